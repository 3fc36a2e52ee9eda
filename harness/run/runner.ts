/**
 * Runs a suite of scenarios with bounded concurrency and turns whatever each one does (pass, fail,
 * throw, hang) into a ScenarioResult, so one bad scenario never stops the run or leaves a promise
 * rejected. An exception inside a scenario, even one thrown from an event handler, ends only that
 * scenario (an internal `error` verdict); one inside a reporter, only that reporter's call. Both
 * are listed in the outcome's `internalErrors`. Verdicts come from `execute` alone: order and
 * concurrency only change timing.
 */
import { scenarioRef } from '../model/caveats.js';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import pLimit from 'p-limit';
import { containFaults, ownedBy, type FaultSink } from '../session/fault-containment.js';
import { InternalFaultAbort, describeFault, internalErrorVerdict, internalFaultOf, isInternalError, type InternalFault } from '../model/internal-fault.js';
import { errorMessage } from '../model/errors.js';
import { isAccepted } from '../model/acceptance.js';
import { catalogueOrder } from '../model/catalogue-order.js';
import type { Observation, RunSummary, Scenario, ScenarioResult, Verdict } from '../model/domain.js';
import type { Reporter, RunInfo } from '../reporters/types.js';

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
  /**
   * Applied to each result before any reporter sees it: the project's acceptances
   * (harness/config/acceptances.ts) mark covered failures. Verdicts are never changed here.
   */
  review?: (result: ScenarioResult) => ScenarioResult;
  /**
   * Work a scenario needs before its deadline starts (the engine issues its certificates' keys:
   * an RSA-4096 key on a busy machine takes seconds that belong to no connection). A failure
   * here is left for `execute` to meet and report.
   */
  prepare?: (scenario: Scenario, signal: AbortSignal) => Promise<void>;
}

export interface RunOutcome {
  summary: RunSummary;
  /** in catalogue order; without scenarios that were never started or were interrupted */
  results: ScenarioResult[];
  /** bugs met on the way (in scenarios, in reporters, outside both): the run exits 3 when any */
  internalErrors: InternalErrorReport[];
}

/** one bug met during a run, and where */
export interface InternalErrorReport {
  /** `scenario <id> (<file>:<line>)`, `the json reporter`, or `outside any scenario` */
  where: string;
  fault: InternalFault;
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

/** how long the runner lets a scenario run: its timeout once per connection, its steps' waits, plus grace */
export function scenarioDeadlineMs(s: Scenario, timeoutMs: number, graceMs = DEFAULT_GRACE_MS): number {
  const connections = 1 + (s.then?.length ?? 0);
  const waits = (s.then ?? []).reduce((sum, step) => sum + (step.wait ?? 0), 0);
  return Math.min((s.timeoutMs ?? timeoutMs) * connections + waits + graceMs, MAX_TIMER_MS);
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
  const releaseContainment = containFaults(run.strays);
  const limit = pLimit(concurrency);
  const finished: ScenarioResult[] = [];
  const record = (outcome: ScenarioResult | undefined) => {
    if (!outcome) return;
    const result = opts.review ? opts.review(outcome) : outcome;
    finished.push(result);
    reporters.result(result);
    if (opts.bail && ((result.verdict.status === 'failed' && !isAccepted(result)) || result.verdict.status === 'error')) run.stopScheduling();
  };
  try {
    await Promise.all(scenarios.map((s) => limit(async () => record(await run.scenario(s)))));
  } finally {
    run.dispose();
  }

  const results = finished.sort((a, b) => catalogueOrder(a.scenario, b.scenario));
  const summary = summarize(results, Math.round(performance.now() - started), run.interrupted);
  try {
    await reporters.end(summary, results);
  } finally {
    releaseContainment();
  }
  const internalErrors = [
    ...results.flatMap((r) => (isInternalError(r.verdict) ? [{ where: scenarioWhere(r.scenario), fault: r.verdict.internal }] : [])),
    ...run.faults,
    ...reporters.faults,
  ];
  return { summary, results, internalErrors };
}

const scenarioWhere = (s: Pick<Scenario, 'id' | 'file' | 'line'>): string => `scenario ${s.id} (${s.file}:${s.line})`;

export function summarize(results: readonly ScenarioResult[], durationMs: number, interrupted: boolean): RunSummary {
  const count = (status: Verdict['status']) => results.filter((r) => r.verdict.status === status).length;
  const accepted = results.filter(isAccepted).length;
  return {
    total: results.length,
    passed: count('passed'),
    failed: count('failed') - accepted,
    skipped: count('skipped'),
    errors: count('error'),
    accepted,
    durationMs,
    interrupted,
  };
}

/** the run-wide state: whether to start more scenarios, the interruption signal, faults outside scenarios */
class RunState {
  private stopped = false;
  /** faults no finished scenario can carry: outside any scenario, or in an interrupted one */
  readonly faults: InternalErrorReport[] = [];
  readonly strays: FaultSink = { report: (err) => this.faults.push({ where: 'outside any scenario', fault: internalFaultOf(err) }) };
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
    await this.opts.prepare?.(s, this.interruption.signal).catch(() => undefined);
    if (this.interrupted) return undefined;
    return runGuarded(s, this.opts, this.interruption.signal, this.strays, (fault) => this.faults.push({ where: scenarioWhere(s), fault }));
  }
}

/**
 * One scenario under its own signal, which its deadline or the run's interruption aborts.
 * undefined: interrupted (it did not run to an end, so it has no result).
 */
async function runGuarded(
  s: Scenario,
  opts: RunOptions,
  interruption: AbortSignal,
  strays: FaultSink,
  unreported: (fault: InternalFault) => void,
): Promise<ScenarioResult | undefined> {
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
  const faults = new ScenarioFaults(controller, strays);
  try {
    const execution = ownedBy(faults, () => settle(s, opts.execute, controller.signal));
    const first = await Promise.race([execution, abortOf(controller.signal)]);
    if (!controller.signal.aborted && first) return first;
    const late = first ?? await within(execution, opts.settleMs ?? DEFAULT_SETTLE_MS);
    if (controller.signal.reason instanceof RunInterrupted) {
      if (faults.first) unreported(faults.first);
      return undefined;
    }
    const verdict: Verdict = faults.first
      ? internalErrorVerdict(new InternalFaultAbort(faults.first))
      : { status: 'error', message: abortMessage(controller.signal.reason) };
    return resultOf(s, verdict, late?.observations ?? [], elapsed());
  } finally {
    faults.close();
    clearTimeout(timer);
    interruption.removeEventListener('abort', forwardInterruption);
  }
}

/**
 * Where a scenario's uncaught exceptions go: the first one aborts the scenario (which then cleans
 * up like on a timeout) and becomes its verdict. Once the scenario is over, what its leftovers
 * throw belongs to the run.
 */
class ScenarioFaults implements FaultSink {
  first: InternalFault | undefined;
  private closed = false;

  constructor(private readonly controller: AbortController, private readonly strays: FaultSink) {}

  report(err: unknown): void {
    if (this.closed) return this.strays.report(err);
    const fault = internalFaultOf(err);
    this.first ??= fault;
    this.controller.abort(new InternalFaultAbort(fault));
  }

  close(): void {
    this.closed = true;
  }
}

/** execute's promise, never rejecting: execute is tlsgate's own, so a throw is an internal error */
async function settle(s: Scenario, execute: Execute, signal: AbortSignal): Promise<ScenarioResult> {
  const started = performance.now();
  try {
    return await execute(s, signal);
  } catch (err) {
    return resultOf(s, internalErrorVerdict(err), [], Math.round(performance.now() - started));
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
    scenario: scenarioRef(s),
    observations,
    verdict,
    durationMs,
  };
}

function abortMessage(reason: unknown): string {
  if (reason instanceof ScenarioTimeout || reason instanceof InternalFaultAbort) return reason.message;
  return `aborted: ${reasonText(reason) ?? 'no reason given'}`;
}

function reasonText(reason: unknown): string | undefined {
  if (reason === undefined) return undefined;
  return errorMessage(reason);
}


/**
 * Calls reporters so that one reporter's exception neither stops the run nor hides the others'
 * output; each reporter's first exception is kept in `faults`.
 */
class ReporterCalls {
  readonly faults: InternalErrorReport[] = [];
  private readonly failed = new Set<Reporter>();

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
        this.failure(r, err);
      }
    }
  }

  private guard(r: Reporter, call: () => void): void {
    try {
      call();
    } catch (err) {
      this.failure(r, err);
    }
  }

  private failure(r: Reporter, err: unknown): void {
    if (this.failed.has(r)) return;
    this.failed.add(r);
    this.faults.push({ where: `the ${r.name} reporter`, fault: internalFaultOf(err) });
  }
}

/**
 * Finished results through reporters as a run would send them (`tlsgate merge-reports`): begin,
 * each result, end. Returns the reporters' faults, as runSuite does.
 */
export async function replayResults(reporters: readonly Reporter[], run: RunInfo, summary: RunSummary, results: readonly ScenarioResult[]): Promise<InternalErrorReport[]> {
  const calls = new ReporterCalls(reporters);
  calls.begin(run);
  for (const r of results) calls.result(r);
  await calls.end(summary, results);
  return calls.faults;
}

/** `scenario x (f.yaml:3): TypeError: boom (at ...)` */
export const describeInternalError = (e: InternalErrorReport): string => `${e.where}: ${describeFault(e.fault)}`;
