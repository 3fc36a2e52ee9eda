/**
 * A TLS server that speaks a library's protocol (WebSocket, gRPC) on top of the node-tls
 * server's recorder: the same options from the plan, the same record of the handshake, client
 * certificate and errors; the protocol layer answers instead of the wire protocol's
 * `tlsgate-ok`. Its libraries are tlsgate's own copies (the server is not under test).
 */
import type { Server } from 'node:tls';
import { applicationAnswers, NodeTlsServerHandle } from '../../portable/node/node-tls-server.js';
import { TlsSetupError } from '../../portable/setup-error.js';
import type { ServerHandle, ServerHooks, ServerPlan } from '../../portable/types.js';
import { LibraryUnavailable } from '../library-unavailable.js';
import { ownLibraryDir, resolveLibrary } from '../resolve-library.js';

/** tlsgate's own copy of a package a server needs, as its module namespace */
export async function ownLibrary<T>(name: string): Promise<T> {
  const dir = ownLibraryDir(name);
  if (!dir) throw new LibraryUnavailable(name, `package ${name} is not installed beside tlsgate (npm install ${name}); the server for these scenarios needs it`);
  return (await resolveLibrary(name, { overrideDir: dir })).module as T;
}

/**
 * Starts `create()` (a tls.Server subclass) with the node-tls recorder; `onClose` ends what the
 * protocol layer holds. A configuration the TLS stack refuses is a TlsSetupError, as for node-tls.
 */
export async function startProtocolServer(
  name: string,
  plan: ServerPlan,
  hooks: ServerHooks,
  signal: AbortSignal,
  create: () => Server,
  onClose: () => void = () => undefined,
): Promise<ServerHandle> {
  signal.throwIfAborted();
  let server: Server;
  try {
    server = create();
  } catch (err) {
    throw TlsSetupError.from('server', err);
  }
  // a protocol server (https, http2) makes its own context: the pool lends only to plain tls.Servers
  const handle = new NodeTlsServerHandle(name, { server, release: () => undefined }, { plan, tlsPlan: plan }, hooks, applicationAnswers);
  await handle.start(signal);
  return {
    get host() { return handle.host; },
    get port() { return handle.port; },
    observation: () => handle.observation(),
    reset: () => handle.reset(),
    close: async () => {
      onClose();
      await handle.close();
    },
  };
}
