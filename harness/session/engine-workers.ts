/**
 * An engine whose TLS ends run in worker threads, so a run's wall time falls with cores: each
 * worker has a whole engine of its own (engine-worker.ts). A scenario goes to the least busy
 * worker, and among equally busy ones to one that already ran its file (whose PKI it has read
 * and parsed): each file's PKI is loaded at most once per worker. The runner above is unchanged: it still bounds how many
 * scenarios are in flight, sets their deadlines and judges interruptions; verdicts are the
 * same as in one thread (a scenario's outcome never depends on where it ran).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Scenario, ScenarioResult } from '../model/domain.js';
import { describeFault, InternalFaultAbort } from '../model/internal-fault.js';
import { errorMessage } from '../model/errors.js';
import type { Engine, EngineOptions } from './engine.js';
import type { FromWorker, ToWorker } from './engine-protocol.js';

/** below this many scenarios per worker, starting one (its own module load) costs more than it saves */
const MIN_SCENARIOS_PER_WORKER = 40;

/** the workers a run of `scenarios` uses when none were asked for: one per core, while each has enough to do */
export const defaultWorkers = (scenarios: number, cores = availableParallelism()): number =>
  Math.max(1, Math.min(cores, Math.floor(scenarios / MIN_SCENARIOS_PER_WORKER)));

/** `workers` 1: the engine in this thread; more: that many worker threads (placement must be local) */
export async function createEngineOn(workers: number, opts: Omit<EngineOptions, 'placement' | 'revocationServers'>): Promise<Engine> {
  // with workers, this thread never loads the engine (the TLS stack, the CA): they do
  if (workers <= 1) return (await import('./engine.js')).createEngine(opts);
  const engine = new WorkerEngine(workers, opts);
  await engine.ready();
  return engine;
}

interface Pending {
  resolve: (r: ScenarioResult) => void;
  reject: (e: Error) => void;
}

class EngineThread {
  readonly worker: Worker;
  readonly pending = new Map<number, Pending>();
  /** prepares in flight: each ends when the worker says so, or when the worker fails */
  readonly preparing = new Map<number, () => void>();
  private readonly exited: Promise<void>;
  readonly ready: Promise<void>;

  constructor(opts: Omit<EngineOptions, 'placement' | 'revocationServers'>) {
    this.worker = new Worker(new URL('./engine-worker.js', import.meta.url), { workerData: opts });
    this.worker.on('message', (m: FromWorker) => this.received(m));
    this.worker.on('error', (err) => this.failAll(err));
    this.ready = new Promise((resolve, reject) => {
      const onMessage = (m: FromWorker) => { if (m.type === 'ready') { this.worker.off('message', onMessage); resolve(); } };
      this.worker.on('message', onMessage);
      this.worker.once('exit', (code) => reject(new Error(`engine worker exited with code ${code} before it was ready`)));
    });
    this.exited = new Promise((resolve) => this.worker.once('exit', () => {
      this.failAll(new Error('engine worker exited'));
      resolve();
    }));
  }

  send(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  private received(m: FromWorker): void {
    if (m.type === 'ready') return;
    if (m.type === 'stray') {
      // a fault outside any scenario of that worker: the main thread's containment reports it
      process.nextTick(() => { throw new InternalFaultAbort(m.fault); });
      return;
    }
    if (m.type === 'prepared') {
      this.preparing.get(m.id)?.();
      this.preparing.delete(m.id);
      return;
    }
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.type === 'result') p.resolve(m.result);
    else p.reject(new InternalFaultAbort(m.fault));
  }

  private failAll(err: unknown): void {
    for (const p of this.pending.values()) p.reject(new Error(`engine worker failed: ${err instanceof InternalFaultAbort ? describeFault(err.fault) : errorMessage(err)}`));
    this.pending.clear();
    for (const done of this.preparing.values()) done();
    this.preparing.clear();
  }

  async close(): Promise<void> {
    this.send({ type: 'close' });
    await this.exited;
  }
}

class WorkerEngine implements Engine {
  private readonly threads: EngineThread[];
  private nextId = 1;
  /** the files each worker has run scenarios of */
  private readonly filesOf = new Map<EngineThread, Set<string>>();

  constructor(workers: number, opts: Omit<EngineOptions, 'placement' | 'revocationServers'>) {
    this.threads = Array.from({ length: workers }, () => new EngineThread(opts));
  }

  prepare(scenario: Scenario): Promise<void> {
    const thread = this.threadFor(scenario);
    const id = this.nextId++;
    return new Promise<void>((resolve) => {
      thread.preparing.set(id, resolve);
      thread.send({ type: 'prepare', id, scenario });
    });
  }

  /** the least busy worker, preferring one that has run the scenario's file (its PKI is in memory) */
  private threadFor(scenario: Scenario): EngineThread {
    const seen = this.filesOf;
    const thread = this.threads.reduce((a, b) => {
      if (b.pending.size !== a.pending.size) return b.pending.size < a.pending.size ? b : a;
      return !seen.get(a)?.has(scenario.path) && seen.get(b)?.has(scenario.path) ? b : a;
    });
    if (!seen.has(thread)) seen.set(thread, new Set());
    seen.get(thread)!.add(scenario.path);
    return thread;
  }

  run(scenario: Scenario, signal: AbortSignal): Promise<ScenarioResult> {
    const thread = this.threadFor(scenario);
    const id = this.nextId++;
    return new Promise<ScenarioResult>((resolve, reject) => {
      const onAbort = () => thread.send({ type: 'abort', id, reason: errorMessage(signal.reason) });
      signal.addEventListener('abort', onAbort, { once: true });
      const settled = <T>(f: (v: T) => void) => (v: T) => { signal.removeEventListener('abort', onAbort); f(v); };
      thread.pending.set(id, { resolve: settled(resolve), reject: settled(reject) });
      thread.send({ type: 'run', id, scenario });
      if (signal.aborted) onAbort();
    });
  }

  async ready(): Promise<void> {
    try {
      await Promise.all(this.threads.map((t) => t.ready));
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.close()));
  }
}
