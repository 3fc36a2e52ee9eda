/**
 * Reads a protocol's messages off a socket as they complete: a fixed number of bytes, or a line.
 * The protocol servers speak in turns (the client waits for each answer), so one reader per
 * phase is enough; stop() hands the socket back untouched for the TLS upgrade.
 */
import type { Socket } from 'node:net';

export class ByteReader {
  private buffered = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  private ended = false;
  private readonly onData = (chunk: Buffer) => {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    this.wake();
  };
  private readonly onEnd = () => {
    this.ended = true;
    this.wake();
  };

  constructor(private readonly socket: Socket) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
  }

  /** exactly n bytes, or undefined when the peer went away first */
  async bytes(n: number): Promise<Buffer | undefined> {
    while (this.buffered.length < n) if (!(await this.more())) return undefined;
    const out = this.buffered.subarray(0, n);
    this.buffered = this.buffered.subarray(n);
    return out;
  }

  /** one CRLF- or LF-terminated line without its ending, or undefined when the peer went away */
  async line(): Promise<string | undefined> {
    for (;;) {
      const end = this.buffered.indexOf(0x0a);
      if (end >= 0) {
        const text = this.buffered.subarray(0, end).toString('latin1').replace(/\r$/, '');
        this.buffered = this.buffered.subarray(end + 1);
        return text;
      }
      if (!(await this.more())) return undefined;
    }
  }

  /** stops reading; anything read but not consumed goes back to the socket (unshift), for TLS */
  stop(): void {
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onEnd);
    this.socket.pause();
    if (this.buffered.length > 0) this.socket.unshift(this.buffered);
    this.buffered = Buffer.alloc(0);
  }

  private more(): Promise<boolean> {
    if (this.ended || this.socket.destroyed) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.waiter = () => resolve(!this.ended || this.buffered.length > 0);
    });
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }
}
