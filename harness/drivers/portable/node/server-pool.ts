/**
 * Closed TLS servers lent again, so their secure contexts are reused per set of server options
 * and never shared by two live servers.
 *
 * `tls.createServer` builds a context from PEM for every server: parsing the certificate chain
 * and the key is about 0.8 ms of the 1 ms a server costs to make (OpenSSL 3), and a run makes a
 * server per scenario, most of them with options an earlier scenario's server already had.
 *
 * A server's context is more than its options: it holds the session-ticket keys. Two live servers
 * on one context would resume each other's sessions, and a restarted server would resume its
 * predecessor's tickets; a real restarted server does neither. So what is reused is a whole
 * closed server, lent to one user at a time: a new server takes an idle one made with equal
 * options (context options keyed as the client cache keys them, `contextKey`, plus the options
 * Node applies per connection), gets fresh random ticket keys (what a new context has), and is
 * given back once closed, with the listeners its user added removed. A closed `net.Server` may
 * listen again (Node's documentation says so). With no idle one, a server is made as before.
 *
 * A server whose context was swapped while lent (`setSecureContext`: a rotation) is not taken
 * back: its context no longer matches its key.
 */
import { randomBytes } from 'node:crypto';
import tls from 'node:tls';
import { contextKey } from './secure-contexts.js';

/** options tls.Server applies per connection, never to its context: part of the key as they are */
const PER_CONNECTION = ['ALPNProtocols', 'rejectUnauthorized', 'requestCert'] as const;

/** context options tls.Server sets from its own state: a server given one is never reused */
const SET_BY_THE_SERVER = ['sessionIdContext', 'sessionTimeout', 'ticketKeys'] as const;

/**
 * Most option sets kept, and most idle servers per set: a set is mostly one file's, whose
 * scenarios run together (run-plan.ts), and a run has about as many servers open as scenarios
 * in flight (8 on 2 cores). Larger bounds bought no speed and 10-20 MB more at 5,000 scenarios.
 */
const KEYS_KEPT = 32;
const IDLE_PER_KEY = 8;

/** a server, and the call that gives it back once it is closed */
export interface PooledServer {
  server: tls.Server;
  release(): void;
}

interface Idle {
  server: tls.Server;
  context: tls.SecureContext | undefined;
  /** each event's listeners when the server was made: what a user added is removed on release */
  baseline: Map<string | symbol, unknown[]>;
}

export class ServerPool {
  private readonly idle = new Map<string, Idle[]>();
  hits = 0;
  misses = 0;

  /** a closed tls.Server for `options` (throws what tls.createServer throws) */
  createServer(options: tls.TlsOptions): PooledServer {
    const key = poolKey(options);
    const lent = key === undefined ? undefined : this.take(key);
    if (lent) {
      this.hits++;
      lent.server.setTicketKeys(randomBytes(48));
    } else if (key !== undefined) this.misses++;
    const entry = lent ?? made(tls.createServer(options));
    // a Node that keeps the context elsewhere: a rotation could not be seen, so no reuse
    if (key === undefined || entry.context === undefined) return { server: entry.server, release: () => undefined };
    let released = false;
    return {
      server: entry.server,
      release: () => {
        if (released || entry.server.listening || sharedCreds(entry.server) !== entry.context) return;
        released = true;
        this.give(key, reset(entry));
      },
    };
  }

  private take(key: string): Idle | undefined {
    const list = this.idle.get(key);
    const entry = list?.pop();
    if (list?.length === 0) this.idle.delete(key);
    return entry;
  }

  private give(key: string, entry: Idle): void {
    const list = this.idle.get(key) ?? [];
    if (list.length >= IDLE_PER_KEY) return;
    list.push(entry);
    // most recently used last: the first key is the one to drop
    this.idle.delete(key);
    this.idle.set(key, list);
    if (this.idle.size > KEYS_KEPT) this.idle.delete(this.idle.keys().next().value as string);
  }
}

/** the pool the Node server drivers share (one per process) */
export const serverPool = new ServerPool();

/** undefined when this server must be made for its user alone */
function poolKey(options: tls.TlsOptions): string | undefined {
  const named = options as Record<string, unknown>;
  if (SET_BY_THE_SERVER.some((name) => named[name] !== undefined)) return undefined;
  const context = contextKey(options, new Set(PER_CONNECTION));
  return context === undefined ? undefined : `${context} ${JSON.stringify(PER_CONNECTION.map((name) => named[name] ?? null))}`;
}

const sharedCreds = (server: tls.Server): tls.SecureContext | undefined => (server as { _sharedCreds?: tls.SecureContext })._sharedCreds;

function made(server: tls.Server): Idle {
  return { server, context: sharedCreds(server), baseline: new Map(server.eventNames().map((name) => [name, server.rawListeners(name)])) };
}

/** the server as it was made: its user's listeners removed */
function reset(entry: Idle): Idle {
  const { server, baseline } = entry;
  for (const name of server.eventNames()) {
    const keep = baseline.get(name) ?? [];
    for (const listener of server.rawListeners(name)) {
      if (!keep.includes(listener)) server.removeListener(name, listener as (...args: unknown[]) => void);
    }
  }
  return entry;
}
