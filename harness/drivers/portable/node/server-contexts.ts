/**
 * Server secure contexts, reused per set of context options, never shared by two live servers.
 *
 * `tls.createServer` builds a context from PEM for every server: parsing the certificate chain
 * and the key is about 0.8 ms of the 1 ms a server costs to make (OpenSSL 3), and a run makes a
 * server per scenario, most of them with an identity an earlier scenario already served.
 *
 * A server's context is more than its options: it holds the session-ticket keys. Two live servers
 * on one context would resume each other's sessions, and a restarted server would resume its
 * predecessor's tickets; a real restarted server does neither. So a context is lent to one server
 * at a time. A new server takes an idle context made with equal options (keyed as the client
 * cache keys them: `contextKey`), gets fresh random ticket keys on it (what a new context
 * has), and gives it back once it is closed and its connections are gone. With no idle one,
 * the server makes its own, as before, and that one joins the pool when it closes.
 *
 * Node has no public way to give a `tls.Server` a context: the pool replaces the server's
 * `_sharedCreds` (the context every connection it accepts is made with; Node 16 to 24) right
 * after making it. A Node without that field gets no reuse, and the same servers as before.
 */
import { randomBytes } from 'node:crypto';
import tls from 'node:tls';
import { CONTEXT_OPTIONS, contextKey } from './secure-contexts.js';

/** options tls.Server applies per connection, never to its context */
const SERVER_SOCKET_OPTIONS: ReadonlySet<string> = new Set(['ALPNProtocols', 'rejectUnauthorized', 'requestCert']);

/** context options tls.Server sets from its own state: a plan that names one keeps its own context */
const SET_BY_THE_SERVER = ['sessionIdContext', 'sessionTimeout', 'ticketKeys'] as const;

/** most option sets kept, and most idle contexts per set (a run has about as many servers open as scenarios in flight) */
const KEYS_KEPT = 64;
const IDLE_PER_KEY = 8;

interface NodeTlsServerInternals {
  _sharedCreds?: tls.SecureContext;
}

/** a server, and the call that returns its context once the server is closed */
export interface PooledServer {
  server: tls.Server;
  release(): void;
}

export class ServerContextPool {
  private readonly idle = new Map<string, tls.SecureContext[]>();
  hits = 0;
  misses = 0;

  /** a tls.Server for `options` (throws what tls.createServer throws) */
  createServer(options: tls.TlsOptions): PooledServer {
    const key = poolKey(options);
    const lent = key === undefined ? undefined : this.take(key);
    const server = lent ? serverOn(lent, options) : tls.createServer(options);
    const context = lent ?? (server as NodeTlsServerInternals)._sharedCreds;
    if (key === undefined || context === undefined) return { server, release: () => undefined };
    if (lent) this.hits++;
    else this.misses++;
    let released = false;
    return {
      server,
      release: () => {
        if (released) return;
        released = true;
        this.give(key, context);
      },
    };
  }

  private take(key: string): tls.SecureContext | undefined {
    const list = this.idle.get(key);
    const context = list?.pop();
    if (list?.length === 0) this.idle.delete(key);
    return context;
  }

  private give(key: string, context: tls.SecureContext): void {
    const list = this.idle.get(key) ?? [];
    if (list.length >= IDLE_PER_KEY) return;
    list.push(context);
    // most recently used last: the first key is the one to drop
    this.idle.delete(key);
    this.idle.set(key, list);
    if (this.idle.size > KEYS_KEPT) this.idle.delete(this.idle.keys().next().value as string);
  }
}

/** the pool the Node server drivers share (one per process) */
export const serverContexts = new ServerContextPool();

/** undefined when this server must make its own context */
function poolKey(options: tls.TlsOptions): string | undefined {
  const named = options as Record<string, unknown>;
  if (SET_BY_THE_SERVER.some((name) => named[name] !== undefined)) return undefined;
  if (!keepsContextInSharedCreds()) return undefined;
  return contextKey(options, SERVER_SOCKET_OPTIONS);
}

let sharedCredsField: boolean | undefined;
/** whether this Node's tls.Server keeps its context in `_sharedCreds` (checked once) */
function keepsContextInSharedCreds(): boolean {
  sharedCredsField ??= (tls.createServer({ ca: [] }) as NodeTlsServerInternals)._sharedCreds !== undefined;
  return sharedCredsField;
}

/** a server whose connections are made with `context`, which gets fresh ticket keys */
function serverOn(context: tls.SecureContext, options: tls.TlsOptions): tls.Server {
  const perConnection: Record<string, unknown> = { ...options };
  for (const name of CONTEXT_OPTIONS) delete perConnection[name];
  // `ca: []`: the throwaway context the constructor makes skips loading the root store
  const server = tls.createServer({ ...perConnection, ca: [] });
  (server as NodeTlsServerInternals)._sharedCreds = context;
  server.setTicketKeys(randomBytes(48));
  return server;
}
