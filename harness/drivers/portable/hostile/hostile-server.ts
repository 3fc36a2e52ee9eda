/**
 * What the hostile server drivers share: a plain TCP server (no TLS at all) on the plan's
 * loopback address, port 0, that hands every accepted socket to a misbehaviour, and a
 * ServerHandle that tracks, waits for and closes those sockets exactly like the node-tls
 * driver does. The plan's certificates are ignored: a hostile peer never gets that far.
 *
 * Observe, never judge: the record says only that no handshake happened. What the client made
 * of the misbehaviour is the client's observation; the category comes from the taxonomy.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { ServerObservation } from '../../../model/domain.js';
import { emptyServerObservation } from '../server-observation.js';
import { StepConnections } from '../step-connections.js';
import type { ServerDriver, ServerHandle, ServerPlan } from '../types.js';

/** what a hostile server does with one accepted connection */
export type Misbehaviour = (socket: Socket) => void;

export function hostileServerDriver(name: string, misbehave: Misbehaviour): ServerDriver {
  return {
    name,
    async listen(plan: ServerPlan, _hooks, signal: AbortSignal): Promise<ServerHandle> {
      signal.throwIfAborted();
      const handle = new HostileServerHandle(name, plan.host, misbehave);
      await handle.start(signal);
      return handle;
    },
  };
}

class HostileServerHandle implements ServerHandle {
  private readonly server: Server;
  private readonly connections = new StepConnections();
  private closed = false;
  private _port = 0;
  private removeAbortListener = (): void => undefined;

  constructor(private readonly name: string, readonly host: ServerPlan['host'], private readonly misbehave: Misbehaviour) {
    this.server = createServer((socket) => this.onConnection(socket));
    // a client reset or an accept error must never crash the run
    this.server.on('error', () => undefined);
  }

  get port(): number {
    return this._port;
  }

  async start(signal: AbortSignal): Promise<void> {
    const onAbort = () => void this.close();
    signal.addEventListener('abort', onAbort, { once: true });
    this.removeAbortListener = () => signal.removeEventListener('abort', onAbort);
    try {
      await new Promise<void>((resolve, reject) => {
        this.server.once('error', reject);
        this.server.listen(0, this.host, () => {
          this.server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      this.removeAbortListener();
      throw new Error(`${this.name} server: cannot listen on ${this.host}: ${(err as Error).message}`);
    }
    this._port = (this.server.address() as { port: number }).port;
  }

  reset(): void {
    this.connections.reset();
  }

  /** resolves once this step's connections have closed (bounded), or at once if none came */
  async observation(): Promise<ServerObservation> {
    await this.connections.settled();
    return emptyServerObservation();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.removeAbortListener();
    this.connections.destroyAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onConnection(socket: Socket): void {
    if (this.closed) return void socket.destroy();
    socket.on('error', () => undefined);
    this.connections.track(socket);
    this.misbehave(socket);
  }
}

