/**
 * Runs a suite of scenarios with bounded concurrency and turns whatever each one does (pass, fail,
 * throw, hang) into a ScenarioResult, so one bad scenario never stops the run or leaves a promise
 * rejected. Verdicts come from `execute` alone: order and concurrency only change timing.
 */
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import pLimit from 'p-limit';
import { errorMessage } from './errors.js';
import type { Observation, RunSummary, Scenario, ScenarioResult, Verdict } from './model.js';
import type { Reporter, RunInfo } from './reporters/types.js';

export type Execute = (scenario: Scenario, signal: AbortSignal) => Promise<ScenarioResult>;

export interface RunOptions {
  /** turns one scenario into a result; must stop (and clean up) when the signal fires */
  execute: Execute;
  reporters: readonly Reporter[];
  /** per-connection timeout, ms, for scenarios that set none themselves */
  timeoutMs: number;
  /** scenarios in flight at once; default os.availableParallelism() */
  concurrency?: number;
  /** stop scheduling after the first failed or errored scenario (running ones finish) */
  bail?: boolean;
  /** aborting it interrupts the run: running scenarios are aborted and left out of the results */
  signal?: AbortSignal;
  /**
   * Time beyond `timeout × connections` before the runner gives up on a scenario. The engine's own
   * per-connection timeouts yield real `timeout` observations (which a scenario may expect); the
   * runner's deadline is the safety net for hangs outside a handshake, so it must fire later.
   */
  graceMs?: number;
  /** once a scenario's signal fired, how long to wait for it to clean up and return */
  settleMs?: number;
  /** passed to reporters' onBegin */
  environment?: Record<string, unknown>;
  shard?: RunInfo['shard'];
}

export interface RunOutcome {
  summary: RunSummary;
  /** in catalogue order; without scenarios that were never started or were interrupted */
  results: ScenarioResult[];
}

export const DEFAULT_GRACE_MS = 2000;
export const DEFAULT_SETTLE_MS = 1000;
/** setTimeout fires at once for anything longer (and warns) */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** why the runner aborted a scenario's signal */
export class ScenarioTimeout extends Error {
  override readonly name = 'ScenarioTimeout';
}
export class RunInterrupted extends Error {
  override readonly name = 'RunInterrupted';
}

/** catalogue order: file, then line (plain code-unit comparison, so it is the same everywhere) */
export function catalogueOrder(a: Pick<Scenario, 'file' | 'line'>, b: Pick<Scenario, 'file' | 'line'>): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line;
}

/** how long the runner lets a scenario run: its timeout once per connection, plus grace */
export function scenarioDeadlineMs(s: Scenario, timeoutMs: number, graceMs = DEFAULT_GRACE_MS): number {
  const connections = 1 + (s.then?.length ?? 0);
  return Math.min((s.timeoutMs ?? timeoutMs) * connections + graceMs, MAX_TIMER_MS);
}

export async function runSuite(scenarios: readonly Scenario[], opts: RunOptions): Promise<RunOutcome> {
  const started = performance.now();
  const concurrency = Math.max(1, opts.concurrency ?? availableParallelism());
  const reporters = new ReporterCalls(opts.reporters);
  reporters.begin({
    total: scenarios.length,
    concurrency,
    ...(opts.shard ? { shard: opts.shard } : {}),
    environment: opts.environment ?? {},
    startedAt: new Date(),
  });

  const run = new RunState(opts);
  const limit = pLimit(concurrency);
  const finished: ScenarioResult[] = [];
  const record = (result: ScenarioResult | undefined) => {
    if (!result) return;
    finished.push(result);
    reporters.result(result);
    if (opts.bail && (result.verdict.status === 'failed' || result.verdict.status === 'error')) run.stopScheduling();
  };
  try {
    await Promise.all(scenarios.map((s) => limit(async () => record(await run.scenario(s)))));
  } finally {
    run.dispose();
  }

  const results = finished.sort((a, b) => catalogueOrder(a.scenario, b.scenario));
  const summary = summarize(results, Math.round(performance.now() - started), run.interrupted);
  await reporters.end(summary, results);
  return { summary, results };
}

export function summarize(results: readonly ScenarioResult[], durationMs: number, interrupted: boolean): RunSummary {
  const count = (status: Verdict['status']) => results.filter((r) => r.verdict.status === status).length;
  return {
    total: results.length,
    passed: count('passed'),
    failed: count('failed'),
    skipped: count('skipped'),
    errors: count('error'),
    durationMs,
    interrupted,
  };
}

/** the run-wide state: whether to start more scenarios, and the interruption signal */
class RunState {
  private stopped = false;
  private readonly interruption = new AbortController();
  private readonly onExternalAbort = () => {
    this.stopScheduling();
    this.interruption.abort(new RunInterrupted(reasonText(this.opts.signal?.reason) ?? 'interrupted'));
  };

  constructor(private readonly opts: RunOptions) {
    if (opts.signal?.aborted) this.onExternalAbort();
    else opts.signal?.addEventListener('abort', this.onExternalAbort, { once: true });
  }

  get interrupted(): boolean {
    return this.interruption.signal.aborted;
  }

  stopScheduling(): void {
    this.stopped = true;
  }

  dispose(): void {
    this.opts.signal?.removeEventListener('abort', this.onExternalAbort);
  }

  /** undefined: not started (bail or interruption) or interrupted while running */
  async scenario(s: Scenario): Promise<ScenarioResult | undefined> {
    if (this.stopped) return undefined;
    if (s.skip !== undefined) return resultOf(s, { status: 'skipped', reason: s.skip }, [], 0);
    return runGuarded(s, this.opts, this.interruption.signal);
  }
}

/**
 * One scenario under its own signal, which its deadline or the run's interruption aborts.
 * undefined: interrupted (it did not run to an end, so it has no result).
 */
async function runGuarded(s: Scenario, opts: RunOptions, interruption: AbortSignal): Promise<ScenarioResult | undefined> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const deadline = scenarioDeadlineMs(s, opts.timeoutMs, opts.graceMs);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new ScenarioTimeout(
    `scenario did not finish within ${deadline} ms (timeout ${s.timeoutMs ?? opts.timeoutMs} ms per connection + ${opts.graceMs ?? DEFAULT_GRACE_MS} ms grace); it was aborted`,
  )), deadline);
  const forwardInterruption = () => controller.abort(interruption.reason);
  if (interruption.aborted) forwardInterruption();
  else interruption.addEventListener('abort', forwardInterruption, { once: true });
  try {
    const execution = settle(s, opts.execute, controller.signal);
    const first = await Promise.race([execution, abortOf(controller.signal)]);
    if (!controller.signal.aborted && first) return first;
    const late = first ?? await within(execution, opts.settleMs ?? DEFAULT_SETTLE_MS);
    if (controller.signal.reason instanceof RunInterrupted) return undefined;
    return resultOf(s, { status: 'error', message: abortMessage(controller.signal.reason) }, late?.observations ?? [], elapsed());
  } finally {
    clearTimeout(timer);
    interruption.removeEventListener('abort', forwardInterruption);
  }
}

/** execute's promise, never rejecting: a throw becomes an error verdict */
async function settle(s: Scenario, execute: Execute, signal: AbortSignal): Promise<ScenarioResult> {
  const started = performance.now();
  try {
    return await execute(s, signal);
  } catch (err) {
    const message = `the scenario could not be run: ${errorText(err)}`;
    return resultOf(s, { status: 'error', message }, [], Math.round(performance.now() - started));
  }
}

/** resolves (with undefined) when the signal fires; the listener dies with the per-scenario signal */
function abortOf(signal: AbortSignal): Promise<undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(undefined), { once: true }));
}

/** the promise's value if it settles within ms, else undefined; the timer never outlives the call */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => { timer = setTimeout(resolve, ms, undefined); });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function resultOf(s: Scenario, verdict: Verdict, observations: Observation[], durationMs: number): ScenarioResult {
  return {
    scenario: { id: s.id, name: s.name, file: s.file, line: s.line, tags: s.tags },
    observations,
    verdict,
    durationMs,
  };
}

function abortMessage(reason: unknown): string {
  if (reason instanceof ScenarioTimeout) return reason.message;
  return `aborted: ${reasonText(reason) ?? 'no reason given'}`;
}

function reasonText(reason: unknown): string | undefined {
  if (reason === undefined) return undefined;
  return errorMessage(reason);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message || err.name : String(err);
}

/**
 * Calls reporters so that one reporter's exception neither stops the run nor hides the others'
 * output; the first such error is rethrown once every reporter has ended.
 */
class ReporterCalls {
  private firstError: unknown;

  constructor(private readonly reporters: readonly Reporter[]) {}

  begin(run: RunInfo): void {
    for (const r of this.reporters) this.guard(r, () => r.onBegin?.(run));
  }

  result(result: ScenarioResult): void {
    for (const r of this.reporters) this.guard(r, () => r.onResult?.(result));
  }

  async end(summary: RunSummary, results: readonly ScenarioResult[]): Promise<void> {
    for (const r of this.reporters) {
      try {
        await r.onEnd(summary, results);
      } catch (err) {
        this.firstError ??= new ReporterError(r.name, err);
      }
    }
    if (this.firstError !== undefined) throw this.firstError;
  }

  private guard(r: Reporter, call: () => void): void {
    try {
      call();
    } catch (err) {
      this.firstError ??= new ReporterError(r.name, err);
    }
  }
}

export class ReporterError extends Error {
  override readonly name = 'ReporterError';
  constructor(readonly reporter: string, override readonly cause: unknown) {
    super(`the ${reporter} reporter failed: ${errorText(cause)}`);
  }
}
