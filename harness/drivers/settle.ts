/**
 * Waiting for a server's connections of one step to end, at most a bounded time: what both the
 * node-tls server and the hostile servers do before they report what they saw.
 */
export class SettleWaiters {
  private waiters: Array<() => void> = [];

  /** resolves when wake() is called or after limitMs, whichever is first; the timer never outlives it */
  wait(limitMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, limitMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.waiters.push(done);
    });
  }

  wake(): void {
    for (const done of this.waiters.splice(0)) done();
  }
}
