/**
 * RemoteClientDriver and RemoteServerDriver: the driver interface, run inside a worker process
 * (another Node, or this Node started with other flags or environment). They forward plans to
 * the worker and serve its hooks here, so the engine drives a remote end exactly as a local one.
 */
import type { ClientObservation } from '../../model/domain.js';
import { fromRemote } from './remote-errors.js';
import type { LibraryDirs } from '../portable/inventory/package-location.js';
import type { WireClientObservation, WireHandshakeFacts } from '../portable/worker/remote-protocol.js';
import type { OwnerHooks, RemoteRuntime } from './remote-runtime.js';
import type { ClientDriver, ClientHooks, DriverInfo, HandshakeFacts, ServerDriver, ServerHandle, ServerHooks, ServerPlan } from '../portable/types.js';

/** the runtime a driver runs in, started on first use */
export type RuntimeRef = () => Promise<RemoteRuntime>;

/**
 * A reset of a remote server travels to its worker while the next client connects from another
 * process; the client waits for the reset to land first (keyed by the server's address).
 */
const pendingResets = new Map<string, Promise<void>>();
const addressKey = (host: string, port: number): string => `${host}:${port}`;

/** `libraryDirs`: the placement's override folders, which the worker's npm-library drivers (undici) load from */
export function remoteClientDriver(runtime: RuntimeRef, driver: string, label: string, libraryDirs?: LibraryDirs): ClientDriver {
  const copies = libraryDirs && Object.keys(libraryDirs).length ? { libraryDirs } : {};
  return {
    name: driver,
    async info(): Promise<DriverInfo> {
      try {
        return await (await runtime()).call({ method: 'client.info', driver, ...copies });
      } catch (err) {
        throw fromRemote(err, label);
      }
    },
    async connect(plan, hooks, signal): Promise<ClientObservation> {
      signal.throwIfAborted();
      await pendingResets.get(addressKey(plan.host, plan.port));
      try {
        const rt = await runtime();
        const wire = await rt.call(
          { method: 'client.connect', driver, plan, hooks: { afterHandshake: !!hooks.afterHandshake }, ...copies },
          { signal, ...(hooks.afterHandshake ? { hooks: clientHooks(hooks) } : {}) },
        );
        return fromWireObservation(wire);
      } catch (err) {
        throw fromRemote(err, label, signal);
      }
    },
  };
}

export function remoteServerDriver(runtime: RuntimeRef, driver: string, label: string): ServerDriver {
  return {
    name: driver,
    async listen(plan, hooks, signal): Promise<ServerHandle> {
      try {
        const rt = await runtime();
        const { handle, host, port } = await rt.call(
          { method: 'server.listen', driver, plan, hooks: { ocspStaple: !!hooks.ocspStaple } },
          { signal, keepHooks: true, ...(hooks.ocspStaple ? { hooks: serverHooks(hooks) } : {}) },
        );
        return new RemoteServerHandle(rt, handle, host, port, label);
      } catch (err) {
        throw fromRemote(err, label, signal);
      }
    },
  };
}

class RemoteServerHandle implements ServerHandle {
  private lastReset: Promise<void> = Promise.resolve();

  constructor(
    private readonly rt: RemoteRuntime,
    private readonly handle: number,
    readonly host: string,
    readonly port: number,
    private readonly label: string,
  ) {}

  reset(): void {
    const key = addressKey(this.host, this.port);
    const done = this.rt.call({ method: 'server.reset', handle: this.handle }).then(() => undefined, () => undefined);
    this.lastReset = done;
    pendingResets.set(key, done);
    void done.then(() => { if (pendingResets.get(key) === done) pendingResets.delete(key); });
  }

  async rotate(plan: ServerPlan): Promise<void> {
    try {
      await this.rt.call({ method: 'server.rotate', handle: this.handle, plan });
    } catch (err) {
      throw fromRemote(err, this.label);
    }
  }

  async observation() {
    await this.lastReset;
    try {
      return await this.rt.call({ method: 'server.observation', handle: this.handle });
    } catch (err) {
      throw fromRemote(err, this.label);
    }
  }

  async close(): Promise<void> {
    try {
      if (this.rt.alive) await this.rt.call({ method: 'server.close', handle: this.handle });
    } finally {
      this.rt.releaseHooks(this.handle);
      pendingResets.delete(addressKey(this.host, this.port));
    }
  }
}

function clientHooks(hooks: ClientHooks): OwnerHooks {
  return { afterHandshake: (facts) => hooks.afterHandshake!(fromWireFacts(facts)) };
}

function serverHooks(hooks: ServerHooks): OwnerHooks {
  return {
    ocspStaple: async (certDer, issuerDer) => {
      const der = await hooks.ocspStaple!(Buffer.from(certDer, 'base64'), issuerDer === null ? null : Buffer.from(issuerDer, 'base64'));
      return der ? der.toString('base64') : null;
    },
  };
}

function fromWireFacts(f: WireHandshakeFacts): HandshakeFacts {
  return {
    peerChainDer: f.peerChainDer.map((d) => Buffer.from(d, 'base64')),
    staple: f.staple === null ? null : Buffer.from(f.staple, 'base64'),
    protocol: f.protocol,
    ...(f.sessionReused !== undefined ? { sessionReused: f.sessionReused } : {}),
  };
}

function fromWireObservation(wire: WireClientObservation): ClientObservation {
  const { sessionBase64, ...rest } = wire;
  return sessionBase64 ? { ...rest, session: Buffer.from(sessionBase64, 'base64') } : rest;
}
