/**
 * The connections a test server saw, per step of a scenario: what both the node-tls server and
 * the hostile servers need before they report. A step's observation waits until that step's
 * connections have ended (bounded), or a short grace when none came at all (the client may have
 * connected just before it returned). close() destroys every socket still open, of any step.
 * Standard library only: the drivers run inside any Node under test.
 */
import type { Socket } from 'node:net';

/** how long a step's observation waits for its connections to end */
export const SERVER_SETTLE_MS = 1500;
/** a connection the client made just before it returned may not be accepted yet */
const FIRST_CONNECTION_GRACE_MS = 20;

export class StepConnections {
  private readonly all = new Set<Socket>();
  /** raw sockets of the current step still open */
  private open = new Set<Socket>();
  private count = 0;
  private waiters: Array<() => void> = [];

  /** the step each open raw socket belongs to (a kept-alive one moves to the step it serves) */
  private readonly stepOf = new Map<Socket, Set<Socket>>();
  /** open raw sockets by the client's address, which the TLS socket on top reports too */
  private readonly byPeer = new Map<string, Socket>();

  /** a new raw connection of the current step */
  track(raw: Socket): void {
    const key = peerKey(raw);
    this.count++;
    this.open.add(raw);
    this.stepOf.set(raw, this.open);
    this.byPeer.set(key, raw);
    this.watch(raw);
    raw.on('close', () => {
      if (this.byPeer.get(key) === raw) this.byPeer.delete(key);
      this.leave(raw);
    });
  }

  /**
   * A kept-alive connection answered and now waits for the next request: the step it served
   * need not wait for it to close.
   */
  idle(socket: Socket): void {
    const raw = this.byPeer.get(peerKey(socket));
    if (raw) this.leave(raw);
  }

  /** a kept-alive connection carries a request of the current step */
  busy(socket: Socket): void {
    const raw = this.byPeer.get(peerKey(socket));
    if (!raw) return;
    this.leave(raw);
    this.count++;
    this.open.add(raw);
    this.stepOf.set(raw, this.open);
  }

  private leave(raw: Socket): void {
    const step = this.stepOf.get(raw);
    this.stepOf.delete(raw);
    step?.delete(raw);
    if (step === this.open && step.size === 0) this.wake();
  }

  /** a socket to destroy on close() (e.g. the TLS socket wrapping a raw one) */
  watch(socket: Socket): void {
    this.all.add(socket);
    socket.on('close', () => this.all.delete(socket));
  }

  /** a new step: its connections are counted afresh */
  reset(): void {
    this.open = new Set();
    this.count = 0;
  }

  /** resolves once this step's connections have ended (bounded), or after the grace if none came */
  async settled(): Promise<void> {
    if (this.count === 0) await new Promise((resolve) => setTimeout(resolve, FIRST_CONNECTION_GRACE_MS));
    if (this.open.size > 0) await this.wait(SERVER_SETTLE_MS);
  }

  /** destroys every socket still open and releases anyone waiting */
  destroyAll(): void {
    for (const socket of this.all) socket.destroy();
    this.wake();
  }

  private wait(limitMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, limitMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.waiters.push(done);
    });
  }

  private wake(): void {
    for (const done of this.waiters.splice(0)) done();
  }
}

const peerKey = (socket: Socket): string => `${socket.remoteAddress}|${socket.remotePort}`;
