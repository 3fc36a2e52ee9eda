/**
 * An engine whose TLS ends run in worker processes, so a run's wall time falls with cores: each
 * worker has a whole engine of its own (engine-worker.ts). A scenario goes to the worker the
 * run's plan gave its file (run-plan.ts), so each file's PKI is read and parsed in one worker;
 * a worker that falls behind has its scenarios taken by the least busy one, which prefers
 * files it already ran. The runner above is unchanged:
 * it still bounds how many scenarios are in flight, sets their deadlines and judges
 * interruptions; verdicts are the same as in one process (a scenario's outcome never depends on
 * where it ran).
 *
 * Processes, not worker threads: OpenSSL 3 makes the threads of one process share locks (its
 * decoders and provider store), so two threads made secure contexts no faster than one (1.05x
 * and 0.91x in two bench runs) where two processes made them 1.92x and 1.37x as fast
 * (scripts/bench-parallel.ts, the "secure contexts" rows of `npm run bench`).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Scenario, ScenarioResult } from '../model/domain.js';
import { describeFault, InternalFaultAbort } from '../model/internal-fault.js';
import { errorMessage } from '../model/errors.js';
import type { Engine, EngineOptions } from './engine.js';
import type { FromWorker, ToWorker, WorkerEngineOptions } from './engine-protocol.js';

/** below this many scenarios per worker, starting one (its own module load) costs more than it saves */
const MIN_SCENARIOS_PER_WORKER = 40;

/**
 * The workers a run of `scenarios` uses when none were asked for: one per core but one, while
 * each has enough to do. The core left over is not idle: one engine process keeps 1.2 to 1.6
 * cores busy by itself (its event loop, OpenSSL and GC threads, the kernel's loopback, the tools
 * and child processes its scenarios start), and the run process needs some too. On this 2-core
 * machine a second worker made the catalogue slower (14.9-16.9 s against 14.0-14.7 s in one
 * process, 27-30 s of CPU against 20 s), a generated suite of 1,000 0.99-1.14x as fast and one of
 * 5,000 1.36x, at 1.6 times the memory (`--workers 2` for those).
 */
export const defaultWorkers = (scenarios: number, cores = availableParallelism()): number =>
  Math.max(1, Math.min(cores - 1, Math.floor(scenarios / MIN_SCENARIOS_PER_WORKER)));

/**
 * Scenarios in flight when none was asked for: 4 per core. Much of a scenario is waiting (a
 * tool starting, a timer, a child process, a round trip), and a process with work in hand
 * fills each wait: the catalogue in one process took 17.4-18.0 s at 2 in flight, 14.7-14.9 s
 * at 4 and 12.8-13.6 s at 8, every scenario but the one that waits 4.1 s ending within 2.1 s.
 */
export const defaultConcurrency = (cores = availableParallelism()): number => IN_FLIGHT_PER_CORE * cores;

const IN_FLIGHT_PER_CORE = 4;

type WorkerOptions = Omit<EngineOptions, 'placement' | 'revocationServers'> & {
  /** the worker planned for each file (run-plan.ts), by scenario path; unplanned files go to the least busy */
  workerOfFile?: ReadonlyMap<string, number>;
};

/**
 * A worker this many scenarios busier than the least busy one gets no more of its planned
 * files: the least busy takes the scenario (and builds the file's PKI too) rather than wait.
 */
const STEAL_GAP = 2;

/** `workers` 1: the engine in this process; more: that many worker processes (placement must be local) */
export async function createEngineOn(workers: number, opts: WorkerOptions): Promise<Engine> {
  // with workers, this process never loads the engine (the TLS stack, the CA): they do
  if (workers <= 1) return (await import('./engine.js')).createEngine(opts);
  const engine = new WorkerEngine(workers, opts);
  await engine.ready();
  return engine;
}

interface Pending {
  resolve: (r: ScenarioResult) => void;
  reject: (e: Error) => void;
}

const WORKER_ENTRY = fileURLToPath(new URL('./engine-worker.js', import.meta.url));

/** the run's Node flags, less a debugger's (each worker would want the same port) */
const workerExecArgv = (): string[] => process.execArgv.filter((flag) => !/^--inspect/.test(flag));

class EngineProcess {
  readonly child: ChildProcess;
  readonly pending = new Map<number, Pending>();
  /** prepares in flight: each ends when the worker says so, or when the worker fails */
  readonly preparing = new Map<number, () => void>();
  private readonly exited: Promise<void>;
  readonly ready: Promise<void>;

  constructor(private readonly opts: WorkerOptions, index: number) {
    const data: WorkerEngineOptions = { certsDir: opts.certsDir, timeoutMs: opts.timeoutMs, audit: opts.audit !== undefined, portSlot: index };
    this.child = fork(WORKER_ENTRY, [JSON.stringify(data)], { serialization: 'advanced', execArgv: workerExecArgv(), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (m: FromWorker) => this.received(m));
    this.child.on('error', (err) => this.failAll(err));
    this.ready = new Promise((resolve, reject) => {
      const onMessage = (m: FromWorker) => { if (m.type === 'ready') { this.child.off('message', onMessage); resolve(); } };
      this.child.on('message', onMessage);
      this.child.once('exit', (code, signal) => reject(new Error(`engine worker exited (${signal ?? `code ${code}`}) before it was ready`)));
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => {
      this.failAll(new Error(`engine worker exited (${signal ?? `code ${code}`})`));
      resolve();
    }));
  }

  send(message: ToWorker): void {
    if (this.child.connected) this.child.send(message);
  }

  private received(m: FromWorker): void {
    if (m.type === 'ready') return;
    if (m.type === 'audit') return this.opts.audit?.(m.scenario).record(m.event);
    if (m.type === 'stray') {
      // a fault outside any scenario of that worker: the run's containment reports it
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
    if (this.child.exitCode === null && this.child.signalCode === null) this.send({ type: 'close' });
    await this.exited;
  }
}

class WorkerEngine implements Engine {
  private readonly workers: EngineProcess[];
  private nextId = 1;
  /** the files each worker has run scenarios of */
  private readonly filesOf = new Map<EngineProcess, Set<string>>();
  private readonly workerOfFile: ReadonlyMap<string, number>;

  constructor(workers: number, opts: WorkerOptions) {
    this.workers = Array.from({ length: workers }, (_, index) => new EngineProcess(opts, index));
    this.workerOfFile = opts.workerOfFile ?? new Map();
  }

  prepare(scenario: Scenario): Promise<void> {
    const worker = this.workerFor(scenario);
    const id = this.nextId++;
    return new Promise<void>((resolve) => {
      worker.preparing.set(id, resolve);
      worker.send({ type: 'prepare', id, scenario });
    });
  }

  /**
   * The file's planned worker while it is not much busier than the others; else the least busy,
   * preferring one that has run the scenario's file (its PKI is in memory).
   */
  private workerFor(scenario: Scenario): EngineProcess {
    const seen = this.filesOf;
    const leastBusy = this.workers.reduce((a, b) => {
      if (b.pending.size !== a.pending.size) return b.pending.size < a.pending.size ? b : a;
      return !seen.get(a)?.has(scenario.path) && seen.get(b)?.has(scenario.path) ? b : a;
    });
    const planned = this.workers[this.workerOfFile.get(scenario.path) ?? -1];
    const worker = planned && planned.pending.size < leastBusy.pending.size + STEAL_GAP ? planned : leastBusy;
    if (!seen.has(worker)) seen.set(worker, new Set());
    seen.get(worker)!.add(scenario.path);
    return worker;
  }

  run(scenario: Scenario, signal: AbortSignal): Promise<ScenarioResult> {
    const worker = this.workerFor(scenario);
    const id = this.nextId++;
    return new Promise<ScenarioResult>((resolve, reject) => {
      const onAbort = () => worker.send({ type: 'abort', id, reason: errorMessage(signal.reason) });
      signal.addEventListener('abort', onAbort, { once: true });
      const settled = <T>(f: (v: T) => void) => (v: T) => { signal.removeEventListener('abort', onAbort); f(v); };
      worker.pending.set(id, { resolve: settled(resolve), reject: settled(reject) });
      worker.send({ type: 'run', id, scenario });
      if (signal.aborted) onAbort();
    });
  }

  async ready(): Promise<void> {
    try {
      await Promise.all(this.workers.map((w) => w.ready));
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}
