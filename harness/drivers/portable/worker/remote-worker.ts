/**
 * The worker: runs inside the Node under test (forked with its execPath) and hosts the TLS ends
 * of many scenarios at once, for as long as the harness keeps the IPC channel open. It runs the
 * very driver modules the harness runs in-process; their import graphs, like this module's, hold
 * nothing but `node:` builtins (a test checks it), so Node 18 can load them. tlsgate's own hooks
 * (OCSP and staple verification, the staple source) stay in the harness and are called over IPC.
 *
 * It exits when the channel closes: when the harness closes it, and when the harness dies, even
 * by SIGKILL. Ctrl-C reaches the whole process group; the harness decides when workers stop.
 */
import { collectInventory } from '../inventory/collect.js';
import { locateUndici } from '../inventory/undici-version.js';
import { readPackageJson, type LibraryDirs } from '../inventory/package-location.js';
import { createUndiciClient } from '../node/undici-client.js';
import { stackVersions } from '../inventory/stack-versions.js';
import type { ClientObservation } from '../../../model/domain.js';
import { compareVersions } from '../../../model/versions.js';
import { getClientDriver, getServerDriver } from '../registry.js';
import {
  UNAVAILABLE_CODE, type Call, type ToHarness, type ToWorker, type WireClientObservation, type WireError,
} from './remote-protocol.js';
import type { ClientDriver, ClientHooks, HandshakeFacts, PeerDecision, ServerHandle, ServerHooks } from '../types.js';

/** running calls, by id: aborting one aborts its driver call (a listen's lasts as long as its server) */
const running = new Map<number, AbortController>();
const servers = new Map<number, ServerHandle>();
const hooksWaiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
let nextHookId = 1;

const send = (message: ToHarness): void => {
  if (process.connected) process.send!(message);
};

process.on('message', (message: ToWorker) => {
  if (message.type === 'call') void answer(message);
  else if (message.type === 'abort') running.get(message.id)?.abort(new Error(message.reason));
  else if (message.type === 'hook-answer') settleHook(message);
});
process.on('disconnect', () => void shutdown());
process.on('SIGINT', () => undefined);
send({ type: 'ready', node: process.versions.node, openssl: process.versions.openssl });

async function answer(call: { type: 'call'; id: number } & Call): Promise<void> {
  const controller = new AbortController();
  running.set(call.id, controller);
  try {
    const value = await perform(call, controller.signal);
    // a listening server keeps its controller: aborting the listen call later closes it
    if (call.method !== 'server.listen') running.delete(call.id);
    send({ type: 'result', id: call.id, ok: true, value });
  } catch (err) {
    running.delete(call.id);
    send({ type: 'result', id: call.id, ok: false, error: wireError(err, controller.signal) });
  }
}

async function perform(call: { id: number } & Call, signal: AbortSignal): Promise<unknown> {
  switch (call.method) {
    case 'client.info':
      return (await clientDriver(call.driver, call.libraryDirs)).info();
    case 'client.connect': {
      const hooks: ClientHooks = call.hooks.afterHandshake ? { afterHandshake: (facts) => afterHandshake(call.id, facts) } : {};
      return wireObservation(await (await clientDriver(call.driver, call.libraryDirs)).connect(call.plan, hooks, signal));
    }
    case 'server.listen': {
      const hooks: ServerHooks = call.hooks.ocspStaple ? { ocspStaple: (cert, issuer) => ocspStaple(call.id, cert, issuer) } : {};
      const handle = await (await getServerDriver(call.driver)).listen(call.plan, hooks, signal);
      servers.set(call.id, handle);
      return { handle: call.id, host: handle.host, port: handle.port };
    }
    case 'server.observation':
      return serverOf(call.handle).observation();
    case 'server.reset':
      serverOf(call.handle).reset();
      return null;
    case 'server.rotate': {
      const server = serverOf(call.handle);
      if (!server.rotate) throw new Error('this server driver cannot rotate its certificate while running');
      await server.rotate(call.plan);
      return null;
    }
    case 'server.close':
      await serverOf(call.handle).close().finally(() => {
        servers.delete(call.handle);
        running.delete(call.handle);
      });
      return null;
    case 'inventory':
      return collectInventory(call.probes, call.cwd, call.libraryDirs);
    case 'stack':
      return stackVersions(call.cwd, call.libraryDirs);
  }
}

function serverOf(handle: number): ServerHandle {
  const server = servers.get(handle);
  if (!server) throw new Error(`no server ${handle} in this worker (already closed)`);
  return server;
}

// ------------------------------------------------------------------ drivers

/** the harness's own registry: built-in drivers by name, user modules by (absolute) path */
async function clientDriver(name: string, libraryDirs: LibraryDirs | undefined): Promise<ClientDriver> {
  if (name !== 'undici') return getClientDriver(name);
  const overrideDir = libraryDirs?.undici;
  checkUndiciRuns(overrideDir);
  return overrideDir ? createUndiciClient({ overrideDir }) : getClientDriver(name);
}

/**
 * undici declares the Node versions it runs on; on an older Node it fails at load with an
 * unrelated error (undici 7 on Node 18: "File is not defined"). Say why instead.
 */
function checkUndiciRuns(overrideDir: string | undefined): void {
  const where = locateUndici({ cwd: process.cwd(), overrideDir });
  if (!where) throw unavailable(overrideDir ? `no undici in ${overrideDir}` : `no undici found from ${process.cwd()} nor beside tlsgate`);
  const engines = readPackageJson(where.dir).engines?.node;
  const floor = engines?.match(/^>=\s*v?(\d+(?:\.\d+){0,2})$/)?.[1];
  if (floor && compareVersions(process.versions.node, floor) < 0) {
    throw unavailable(`undici ${where.version} (${where.source}) requires Node ${engines}; this runtime is Node ${process.versions.node}`);
  }
}

const unavailable = (message: string): Error => Object.assign(new Error(message), { code: UNAVAILABLE_CODE });

// ------------------------------------------------------------------ hooks run by the harness

function callHook(message: Record<string, unknown> & { owner: number; hook: string }): Promise<unknown> {
  const id = nextHookId++;
  return new Promise((resolve, reject) => {
    hooksWaiting.set(id, { resolve, reject });
    send({ type: 'hook', id, ...message } as ToHarness);
  });
}

function settleHook(message: Extract<ToWorker, { type: 'hook-answer' }>): void {
  const waiting = hooksWaiting.get(message.id);
  hooksWaiting.delete(message.id);
  if (message.ok) waiting?.resolve(message.value);
  else waiting?.reject(new Error(message.message));
}

async function afterHandshake(owner: number, facts: HandshakeFacts): Promise<PeerDecision> {
  const wire = {
    peerChainDer: facts.peerChainDer.map((d) => d.toString('base64')),
    staple: facts.staple ? facts.staple.toString('base64') : null,
    protocol: facts.protocol,
    ...(facts.sessionReused !== undefined ? { sessionReused: facts.sessionReused } : {}),
  };
  return (await callHook({ owner, hook: 'afterHandshake', facts: wire })) as PeerDecision;
}

async function ocspStaple(owner: number, certDer: Buffer, issuerDer: Buffer | null): Promise<Buffer | null> {
  const answer = await callHook({ owner, hook: 'ocspStaple', certDer: certDer.toString('base64'), issuerDer: issuerDer?.toString('base64') ?? null });
  return typeof answer === 'string' ? Buffer.from(answer, 'base64') : null;
}

// ------------------------------------------------------------------ encoding and shutdown

function wireObservation(obs: ClientObservation): WireClientObservation {
  const { session, ...rest } = obs;
  return session ? { ...rest, sessionBase64: session.toString('base64') } : rest;
}

function wireError(err: unknown, signal: AbortSignal): WireError {
  const e = err as { name?: string; code?: unknown; message?: unknown; side?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const code = typeof e?.code === 'string' ? e.code : undefined;
  if (signal.aborted) return { kind: 'aborted', message };
  if (e?.name === 'TlsSetupError') return { kind: 'setup', message, ...(code ? { code } : {}), side: e.side === 'client' ? 'client' : 'server' };
  if (code === UNAVAILABLE_CODE) return { kind: 'unavailable', message, code };
  return { kind: 'failed', message, ...(code ? { code } : {}) };
}

async function shutdown(): Promise<void> {
  for (const controller of running.values()) controller.abort(new Error('the harness closed the worker'));
  const closing = [...servers.values()].map((s) => s.close().catch(() => undefined));
  const timer = setTimeout(() => process.exit(0), 1000);
  await Promise.all(closing);
  clearTimeout(timer);
  process.exit(0);
}
