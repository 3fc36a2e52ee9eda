/**
 * The machine report: a public, versioned interface (schema/report.schema.json). Two runs'
 * reports can be compared field by field, so every result carries its full observations and the
 * report carries the environment that produced them.
 */
import { driftJson, type DriftJson, type DriftOutcome } from '../baseline/render.js';
import type { AppliedAcceptance, Mismatch, Observation, RunSummary, ScenarioResult } from '../model/domain.js';
import { reportedStatus, type ReportedStatus } from '../model/acceptance.js';
import type { Reporter, RunInfo } from './types.js';
import { KEY_FIELDS, type KeyField } from '../model/observation-text.js';
import type { Output } from './output.js';

export const REPORT_VERSION = 1;

/** the key fields are always present (null when not observed), so consumers need no guards */
export type ReportObservation = Omit<Observation, KeyField> & {
  [K in KeyField]: Exclude<Observation[K], undefined> | (undefined extends Observation[K] ? null : never);
};

export interface ReportResult {
  id: string;
  name: string;
  file: string;
  /** from the working directory, for CI tools */
  path: string;
  line: number;
  /** where on the line the scenario starts (two can share a line in a YAML flow sequence) */
  column?: number;
  tags: string[];
  /** what the scenario does not prove (e.g. its client checks no name) */
  caveats?: string[];
  /** `accepted`: failed, but a project acceptance covers it (it does not fail the run) */
  status: ReportedStatus;
  durationMs: number;
  /** the verdict message (failed, error) or the skip reason */
  message?: string;
  mismatches?: Array<{ field: string; expected: unknown; actual: unknown }>;
  /** the project acceptance that matched this failure (with `expired` when it no longer holds) */
  acceptance?: AppliedAcceptance;
  /** the first connection's observation; null when no connection was made */
  observation: ReportObservation | null;
  /** every connection's observation: the first, then each `then` step */
  observations: ReportObservation[];
}

export interface JsonReport {
  version: typeof REPORT_VERSION;
  startedAt: string;
  environment: Record<string, unknown>;
  /** the TLS stack inventory, when the run collected one */
  inventory?: unknown;
  summary: RunSummary;
  results: ReportResult[];
  /** what changed against --baseline, when the run compared against one */
  drift?: DriftJson;
}

export interface JsonReporterOptions {
  /** embedded as `inventory` when given (a function: collected only when the report is written) */
  inventory?: () => unknown | Promise<unknown>;
  /** embedded as `drift` when it resolves to an outcome */
  drift?: (results: readonly ScenarioResult[]) => Promise<DriftOutcome | undefined>;
}

export function jsonReporter(out: Output, opts: JsonReporterOptions = {}): Reporter {
  let run: RunInfo | undefined;
  return {
    name: 'json',
    onBegin: (info) => { run = info; },
    async onEnd(summary, results) {
      const inventory = opts.inventory ? await opts.inventory() : undefined;
      const drift = await opts.drift?.(results);
      const report = buildJsonReport({ run, summary, results, inventory, ...(drift ? { drift: driftJson(drift) } : {}) });
      out.write(`${JSON.stringify(report, null, 2)}\n`);
      await out.close();
    },
  };
}

export function buildJsonReport(input: {
  run: RunInfo | undefined;
  summary: RunSummary;
  results: readonly ScenarioResult[];
  inventory?: unknown;
  drift?: DriftJson;
}): JsonReport {
  return {
    version: REPORT_VERSION,
    startedAt: (input.run?.startedAt ?? new Date()).toISOString(),
    environment: input.run?.environment ?? {},
    ...(input.inventory !== undefined ? { inventory: input.inventory } : {}),
    summary: { ...input.summary },
    results: input.results.map(reportResult),
    ...(input.drift ? { drift: input.drift } : {}),
  };
}

function reportResult(r: ScenarioResult): ReportResult {
  const v = r.verdict;
  const observations = r.observations.map(reportObservation);
  return {
    id: r.scenario.id,
    name: r.scenario.name,
    file: r.scenario.file,
    path: r.scenario.path,
    line: r.scenario.line,
    ...(r.scenario.column !== undefined ? { column: r.scenario.column } : {}),
    tags: [...r.scenario.tags],
    ...(r.scenario.caveats ? { caveats: [...r.scenario.caveats] } : {}),
    status: reportedStatus(r),
    durationMs: r.durationMs,
    ...(v.status === 'failed' ? { message: v.message, mismatches: v.mismatches.map(definedMismatch) } : {}),
    ...(v.status === 'error' ? { message: v.message } : {}),
    ...(v.status === 'skipped' ? { message: v.reason } : {}),
    ...(r.acceptance ? { acceptance: { ...r.acceptance } } : {}),
    observation: observations[0] ?? null,
    observations,
  };
}

/** JSON drops undefined values: say null, so `got nothing` stays visible */
const definedMismatch = (m: Mismatch) => ({ field: m.field, expected: m.expected ?? null, actual: m.actual ?? null });

function reportObservation(obs: Observation): ReportObservation {
  const keys = Object.fromEntries(KEY_FIELDS.map((k) => [k, obs[k] ?? null])) as { [K in KeyField]: ReportObservation[K] };
  return { ...obs, ...keys };
}
