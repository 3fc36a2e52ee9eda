/**
 * Child processes a test spawned, so that a test that fails or times out half-way never leaves
 * one running: `afterEach(() => children.killLeftovers())`.
 */
import type { ChildProcess } from 'node:child_process';

export class Children {
  private readonly running = new Set<ChildProcess>();

  track<T extends ChildProcess>(child: T): T {
    this.running.add(child);
    child.once('exit', () => this.running.delete(child));
    return child;
  }

  killLeftovers(): void {
    for (const child of this.running) child.kill('SIGKILL');
    this.running.clear();
  }
}
