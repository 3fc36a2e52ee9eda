/**
 * Client driver `undici`: `fetch` with a fresh `Agent` whose connector is undici's own
 * `buildConnector` fed the plan's TLS options (they spread into `tls.connect`, so `crl`, `ca`,
 * `servername`... all reach OpenSSL), wrapped to record the TLS socket and to run the
 * afterHandshake hook before undici writes a byte. The Agent is destroyed after every connection.
 *
 * Which undici: the shared resolver's (package-location.ts): an override folder's, else the one
 * the user's project resolves from the working directory, else tlsgate's own; info() says which.
 *
 * Limits: undici chooses its own ALPN list (`http/1.1`), so `plan.alpn` has no effect here.
 */
import { createRequire } from 'node:module';
import type { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CODES } from '../../../model/codes.js';
import { locateUndici } from '../inventory/undici-version.js';
import { entryFile, type LocateOptions, type PackageLocation } from '../inventory/package-location.js';
import type { ClientObservation } from '../../../model/domain.js';
import {
  bounded, decideAfterHandshake, errorFacts, HandshakeRecorder, OK_BODY, rejection,
  targetOf, targetTlsOptions, timeoutMessage, tlsOptionsFromPlan,
} from '../client-common.js';
import type { ClientDriver, ClientHooks, ClientPlan, ClientPool, DriverInfo, PeerDecision } from '../types.js';
import { clientContexts } from './secure-contexts.js';

type Undici = typeof import('undici');

export interface LoadedUndici extends PackageLocation {
  undici: Undici;
}

const loaded = new Map<string, Promise<LoadedUndici>>();

/** the undici to test: the override folder's, else the one resolved from `cwd` (cached per pair) */
export function loadUndici(opts: LocateOptions = {}): Promise<LoadedUndici> {
  const key = JSON.stringify([opts.cwd ?? process.cwd(), opts.overrideDir ?? null]);
  let entry = loaded.get(key);
  if (!entry) {
    entry = loadFrom(opts);
    loaded.set(key, entry);
  }
  return entry;
}

async function loadFrom(opts: LocateOptions): Promise<LoadedUndici> {
  const where = locateUndici(opts);
  if (!where) throw new Error(`undici driver: no undici found ${opts.overrideDir ? `in ${opts.overrideDir}` : `from ${opts.cwd ?? process.cwd()} nor in tlsgate's own dependencies (npm install undici@7)`}`);
  const require = createRequire(join(where.dir, 'package.json'));
  try {
    return { ...where, undici: require(where.dir) as Undici };
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_REQUIRE_ESM') {
      const undici = (await import(pathToFileURL(entryFile(where.dir)).href)) as Undici;
      return { ...where, undici };
    }
    throw new Error(
      `undici driver: the ${where.source === 'project' ? "project's" : where.source === 'override' ? '--package' : "tlsgate's"} undici ${where.version} (${where.dir}) `
      + `does not load on Node ${process.versions.node}: ${(err as Error).message}`,
    );
  }
}

/** the state of one connection, filled in by the wrapped connector */
interface ConnectionState {
  /** connections the connector made so far */
  made?: number;
  recorder?: HandshakeRecorder;
  socket?: TLSSocket;
  refusal?: PeerDecision;
}

type ConnectCallback = (err: Error | null, socket: TLSSocket | null) => void;
type Connector = (opts: Record<string, unknown>, callback: ConnectCallback) => TLSSocket;

function recordingConnector(undici: Undici, plan: ClientPlan, hooks: ClientHooks, state: ConnectionState): Connector {
  const base = undici.buildConnector({
    ...clientContexts.withContext(tlsOptionsFromPlan(plan)),
    ...targetTlsOptions(targetOf(plan)),
    // undici's own connect timer must not pre-empt ours: the driver reports TLSGATE_TIMEOUT
    timeout: plan.timeoutMs + 1000,
  } as Parameters<Undici['buildConnector']>[0]) as unknown as Connector;
  return (opts, callback) => {
    const socket = base(opts, (err, connected) => {
      if (err || !connected) return callback(err, null);
      state.recorder!.captureHandshake(connected);
      void decideAfterHandshake(hooks, state.recorder!.facts()).then((decision) => {
        if (decision.allow) return callback(null, connected);
        state.refusal = decision;
        connected.destroy();
        callback(Object.assign(new Error(decision.message), { code: decision.code }), null);
      });
    });
    // attached before any I/O: the staple arrives before 'secureConnect'
    state.made = (state.made ?? 0) + 1;
    state.socket = socket;
    state.recorder = new HandshakeRecorder(socket, !!plan.requestOCSP);
    return socket;
  };
}

/**
 * The undici driver for the project in `opts.cwd` (default: the working directory at each call),
 * or for the copy in `opts.overrideDir` (`tlsgate matrix --package undici@...`).
 */
export function createUndiciClient(opts: LocateOptions = {}): ClientDriver {
  const load = () => loadUndici({ cwd: opts.cwd ?? process.cwd(), overrideDir: opts.overrideDir });
  return {
    name: 'undici',
    async info(): Promise<DriverInfo> {
      const { version, source } = await load();
      return { name: 'undici', version: `undici ${version}`, source };
    },
    async connect(plan, hooks, signal) {
      signal.throwIfAborted();
      return fetchOnce((await load()).undici, plan, hooks, signal);
    },
    openPool: () => new UndiciPool(load),
  };
}

export const undiciClient: ClientDriver = createUndiciClient();

async function fetchOnce(undici: Undici, plan: ClientPlan, hooks: ClientHooks, signal: AbortSignal): Promise<ClientObservation> {
  const target = targetOf(plan);
  const state: ConnectionState = {};
  const aborter = new AbortController();
  const agent = new undici.Agent({
    connect: recordingConnector(undici, plan, hooks, state) as never,
    headersTimeout: plan.timeoutMs + 1000,
    bodyTimeout: plan.timeoutMs + 1000,
  });
  const rejected = (code: string | undefined, message: string) => rejection(state.recorder, code, message);
  try {
    return await bounded<ClientObservation>({
      timeoutMs: plan.timeoutMs,
      signal,
      onTimeout: () => rejected(CODES.timeout, timeoutMessage(plan.timeoutMs, state.recorder?.handshakeDone ?? false)),
      cleanup: () => {
        aborter.abort();
        state.socket?.destroy();
      },
    }, (bound) => {
      undici.fetch(`https://${target.urlHost}:${plan.port}/`, { dispatcher: agent, signal: aborter.signal })
        .then(async (res) => {
          const body = await res.text();
          if (res.status === 200 && body === OK_BODY) return bound.settle(state.recorder!.accepted());
          bound.settle(rejected(CODES.unexpectedResponse, `unexpected answer: HTTP ${res.status} ${JSON.stringify(body.slice(0, 80))}`));
        })
        .catch((err: unknown) => {
          if (state.refusal && !state.refusal.allow) return bound.settle(rejected(state.refusal.code, state.refusal.message));
          const { code, message } = errorFacts(err);
          bound.settle(rejected(code, message));
        });
    });
  } finally {
    await agent.destroy().catch(() => undefined);
  }
}

/**
 * One undici Pool (one connection) per scenario: `reuse` requests go over the connection it
 * keeps; a new connection replaces the Pool, with the plan's options.
 */
class UndiciPool implements ClientPool {
  private current: { pool: InstanceType<Undici['Pool']>; state: ConnectionState; plan: ClientPlan } | undefined;

  constructor(private readonly load: () => Promise<LoadedUndici>) {}

  async request(plan: ClientPlan, hooks: ClientHooks, reuse: boolean, signal: AbortSignal): Promise<ClientObservation> {
    signal.throwIfAborted();
    const { undici } = await this.load();
    if (!reuse || !this.current) {
      await this.close();
      const state: ConnectionState = {};
      const origin = `https://${targetOf(plan).urlHost}:${plan.port}`;
      const pool = new undici.Pool(origin, {
        connections: 1,
        connect: recordingConnector(undici, plan, hooks, state) as never,
        headersTimeout: plan.timeoutMs + 1000,
        bodyTimeout: plan.timeoutMs + 1000,
      });
      this.current = { pool, state, plan };
    }
    const { pool, state, plan: pinned } = this.current;
    const madeBefore = state.made ?? 0;
    const rejected = (code: string | undefined, message: string) => rejection(state.recorder, code, message);
    return bounded<ClientObservation>({
      timeoutMs: pinned.timeoutMs,
      signal,
      onTimeout: () => rejected(CODES.timeout, timeoutMessage(pinned.timeoutMs, state.recorder?.handshakeDone ?? false)),
      cleanup: () => undefined,
    }, (bound) => {
      pool.request({ path: '/', method: 'GET', headers: { connection: 'keep-alive' } })
        .then(async (res) => {
          const body = await res.body.text();
          if (res.statusCode !== 200 || body !== OK_BODY) {
            return bound.settle(rejected(CODES.unexpectedResponse, `unexpected answer: HTTP ${res.statusCode} ${JSON.stringify(body.slice(0, 80))}`));
          }
          const reused = (state.made ?? 0) === madeBefore;
          bound.settle({ ...state.recorder!.accepted(), ...(reused ? { connectionReused: true } : {}) });
        })
        .catch((err: unknown) => {
          if (state.refusal && !state.refusal.allow) return bound.settle(rejected(state.refusal.code, state.refusal.message));
          const { code, message } = errorFacts(err);
          bound.settle(rejected(code, message));
        });
    });
  }

  async close(): Promise<void> {
    const current = this.current;
    this.current = undefined;
    await current?.pool.destroy().catch(() => undefined);
  }
}
