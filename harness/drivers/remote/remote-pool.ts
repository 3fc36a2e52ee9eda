/**
 * The long-lived workers of a run: one per distinct runtime spec (node, flags, environment),
 * started on first use, shared by every scenario that asks for the same spec, all closed at the
 * end. A worker that failed to start stays failed: later scenarios get the same message at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RemoteRuntime, type RuntimeSpec } from './remote-runtime.js';

export class WorkerPool {
  private readonly runtimes = new Map<string, Promise<RemoteRuntime>>();
  private readonly keys = new WeakMap<RuntimeSpec, string>();
  private files: string | undefined;
  private closed = false;

  get(spec: RuntimeSpec): Promise<RemoteRuntime> {
    if (this.closed) return Promise.reject(new Error(`the worker pool is closed; ${spec.label} was not started`));
    const key = this.keyOf(spec);
    let runtime = this.runtimes.get(key);
    if (!runtime) {
      runtime = RemoteRuntime.start(spec);
      runtime.catch(() => undefined);
      this.runtimes.set(key, runtime);
    }
    return runtime;
  }

  /** equal specs (same node, flags and environment) share a worker */
  private keyOf(spec: RuntimeSpec): string {
    let key = this.keys.get(spec);
    if (key === undefined) {
      key = JSON.stringify([spec.execPath, spec.execArgv, Object.entries(spec.env).sort(([a], [b]) => (a < b ? -1 : 1))]);
      this.keys.set(spec, key);
    }
    return key;
  }

  /** a private folder for environment files (CA bundles, OpenSSL configs), removed on close */
  filesDir(): string {
    this.files ??= mkdtempSync(join(tmpdir(), 'tlsgate-env-'));
    return this.files;
  }

  /** process ids of the running workers (for tests that check nothing is left behind) */
  async pids(): Promise<number[]> {
    const settled = await Promise.allSettled(this.runtimes.values());
    return settled.flatMap((s) => (s.status === 'fulfilled' && s.value.pid !== undefined && s.value.alive ? [s.value.pid] : []));
  }

  async close(): Promise<void> {
    this.closed = true;
    const settled = await Promise.allSettled(this.runtimes.values());
    this.runtimes.clear();
    await Promise.all(settled.map((s) => (s.status === 'fulfilled' ? s.value.close() : undefined)));
    if (this.files) rmSync(this.files, { recursive: true, force: true });
    this.files = undefined;
  }
}
