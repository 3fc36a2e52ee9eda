/**
 * `tlsgate merge-reports`: the JSON reports of a sharded run joined into one run, as if one
 * process had run every scenario (Playwright's merge-reports is the model): one result list in
 * catalogue order, one summary, one drift. Reports of different tlsgate versions or stacks, a
 * scenario in two reports, or a drift against different baselines are bad input naming the files.
 */
import { fatalChanges } from '../baseline/policy.js';
import type { FailureNote } from '../baseline/failures.js';
import type { DriftJson, DriftOutcome } from '../baseline/render.js';
import { codeUnitOrder } from '../baseline/snapshot.js';
import { UsageError } from '../model/errors.js';
import type { RunSummary, ScenarioResult } from '../model/domain.js';
import type { ReadReport } from '../reporters/report-reader.js';
import type { RunInfo } from '../reporters/types.js';
import { summarize } from './runner.js';
import { catalogueOrder } from '../model/catalogue-order.js';

export interface MergedRun {
  run: RunInfo;
  summary: RunSummary;
  results: ScenarioResult[];
  inventory: unknown;
  drift: DriftOutcome | undefined;
}

/** the environment fields that must agree: the reports describe one stack */
const STACK_KEYS = ['tlsgate', 'node', 'openssl', 'undici', 'platform', 'arch'] as const;

export function mergeReports(reports: readonly ReadReport[]): MergedRun {
  const [first] = reports;
  if (!first) throw new UsageError('merge-reports: no reports to merge');
  for (const r of reports.slice(1)) checkSameStack(first, r);
  const results = uniqueResults(reports).sort((a, b) => catalogueOrder(a.scenario, b.scenario));
  const durationMs = Math.max(...reports.map((r) => r.report.summary.durationMs));
  const startedAt = new Date(Math.min(...reports.map((r) => Date.parse(r.report.startedAt))));
  return {
    run: { total: results.length, concurrency: 1, environment: first.report.environment, startedAt, mergedFrom: reports.length },
    summary: summarize(results, durationMs, reports.some((r) => r.report.summary.interrupted)),
    results,
    inventory: first.report.inventory,
    drift: mergedDrift(reports, results),
  };
}

function checkSameStack(first: ReadReport, other: ReadReport): void {
  const describe = (r: ReadReport) => STACK_KEYS.map((k) => `${k} ${JSON.stringify(r.report.environment[k] ?? null)}`).join(', ');
  const differs = STACK_KEYS.some((k) => JSON.stringify(first.report.environment[k] ?? null) !== JSON.stringify(other.report.environment[k] ?? null));
  if (differs) {
    throw new UsageError(`merge-reports: ${other.file} comes from another tlsgate or stack than ${first.file} (${describe(other)}; vs ${describe(first)}); merge only the shards of one run`);
  }
}

function uniqueResults(reports: readonly ReadReport[]): ScenarioResult[] {
  const from = new Map<string, string>();
  for (const r of reports) {
    for (const result of r.results) {
      const earlier = from.get(result.scenario.id);
      if (earlier !== undefined) {
        throw new UsageError(`merge-reports: scenario ${JSON.stringify(result.scenario.id)} is in both ${earlier} and ${r.file}; each scenario must be in one report (the same shard twice, or a report of an unsharded run?)`);
      }
      from.set(result.scenario.id, r.file);
    }
  }
  return reports.flatMap((r) => r.results);
}

/** one drift from the shards' drifts (all against one baseline, or none); sort is stable, so each shard's connection order stays */
function mergedDrift(reports: readonly ReadReport[], results: readonly ScenarioResult[]): DriftOutcome | undefined {
  const withDrift = reports.filter((r) => r.report.drift);
  if (withDrift.length === 0) return undefined;
  const missing = reports.find((r) => !r.report.drift);
  if (missing) throw new UsageError(`merge-reports: ${missing.file} has no drift and ${withDrift[0]!.file} has one; run every shard with the same --baseline`);
  const drifts = withDrift.map((r) => r.report.drift as DriftJson);
  const head = drifts[0]!;
  drifts.forEach((d, i) => {
    if (d.baseline !== head.baseline || String(d.fatalClasses) !== String(head.fatalClasses) || String(d.ignoredClasses) !== String(head.ignoredClasses)) {
      throw new UsageError(`merge-reports: ${withDrift[i]!.file} compared against ${d.baseline} (fatal: ${d.fatalClasses.join(', ')}), ${withDrift[0]!.file} against ${head.baseline} (fatal: ${head.fatalClasses.join(', ')}); run every shard with the same --baseline, --fail-on and --ignore`);
    }
  });
  const changes = drifts.flatMap((d) => d.changes).sort((a, b) => codeUnitOrder(a.id, b.id));
  const policy = { fatal: new Set(head.fatalClasses), ignored: new Set(head.ignoredClasses) };
  const drift = { changes, stack: head.stack };
  const order = new Map(results.map((r, i) => [r.scenario.id, i]));
  const inCatalogueOrder = (notes: FailureNote[]) => notes.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  const withFailures = drifts.filter((d) => d.failures);
  return {
    against: head.baseline,
    drift,
    policy,
    fatal: fatalChanges(drift, policy),
    ...(withFailures.length ? {
      failures: {
        asRecorded: inCatalogueOrder(withFailures.flatMap((d) => d.failures!.asRecorded)),
        unexpected: inCatalogueOrder(withFailures.flatMap((d) => d.failures!.unexpected)),
      },
    } : {}),
  };
}
