/**
 * What `tlsgate matrix` reports: each runtime's counts, the side-by-side table, the drift
 * between consecutive runtimes (what an upgrade from one to the next changes), and each
 * runtime's drift against --baseline when one is given. As text, as Markdown and as JSON.
 */
import type { DeclaringScenarios } from '../baseline/declarations.js';
import type { Drift } from '../baseline/drift.js';
import { acceptedScenarios } from '../baseline/accepted-drift.js';
import { reportedDrift } from '../baseline/reported-drift.js';
import { fatalChanges, type DriftPolicy } from '../baseline/policy.js';
import { driftJson, md, renderDriftMarkdown, renderDriftText, type DriftJson } from '../baseline/render.js';
import { baselineOf, type Baseline } from '../baseline/snapshot.js';
import { formatDuration } from '../reporters/format.js';
import { matrixRows, renderTableMarkdown, renderTableText } from './table.js';
import type { MatrixOutcome, RuntimeRun } from './run-matrix.js';

export interface MatrixDrift {
  /** `node 18.20.8 -> node 20.20.2`, or `baseline.json -> node 22.23.3` */
  title: string;
  from: string;
  to: string;
  drift: Drift;
}

export interface MatrixReport {
  outcome: MatrixOutcome;
  policy: DriftPolicy;
  drifts: MatrixDrift[];
  /** against --baseline, one per runtime */
  againstBaseline: MatrixDrift[];
}

/**
 * `scenarios` (the ones that ran, by id) lets a difference each runtime's own `stacks` entry
 * declares be reported as declared rather than as a regression.
 */
export function matrixReport(
  outcome: MatrixOutcome, policy: DriftPolicy, baseline?: { file: string; content: Baseline }, scenarios: DeclaringScenarios = new Map(),
): MatrixReport {
  const snapshots = outcome.runs.map((run) => baselineOf(run.results, run.inventory));
  const labels = outcome.runs.map((run) => run.runtime.label);
  const results = outcome.runs.map((run) => run.results);
  const between = (from: string, to: string, before: Baseline, after: Baseline, accepted: Map<string, string>): MatrixDrift =>
    ({ title: `${from} -> ${to}`, from, to, drift: reportedDrift(before, after, { scenarios, accepted }) });
  const drifts = snapshots.slice(1).map((after, i) => between(labels[i]!, labels[i + 1]!, snapshots[i]!, after, acceptedScenarios(results[i]!, results[i + 1]!)));
  const againstBaseline = baseline
    ? snapshots.map((after, i) => between(baseline.file, labels[i]!, baseline.content, after, acceptedScenarios(results[i]!)))
    : [];
  return { outcome, policy, drifts, againstBaseline };
}

export function fatalCount(report: MatrixReport): number {
  return [...report.drifts, ...report.againstBaseline].reduce((n, d) => n + fatalChanges(d.drift, report.policy).length, 0);
}

export const failingRuns = (report: MatrixReport): RuntimeRun[] =>
  report.outcome.runs.filter((run) => run.summary.failed + run.summary.errors > 0);

function countsOf(run: RuntimeRun): string {
  const s = run.summary;
  const parts = [`${s.passed} passed`, `${s.failed} failed`];
  if (s.errors) parts.push(`${s.errors} errors`);
  if (s.skipped) parts.push(`${s.skipped} skipped`);
  return `${parts.join(', ')}`;
}

export function renderMatrixText(report: MatrixReport, opts: { all: boolean }): string {
  const { runs } = report.outcome;
  const rows = matrixRows(runs, opts);
  const out = [`tlsgate matrix: ${runs.length} runtime${runs.length === 1 ? '' : 's'}, ${formatDuration(report.outcome.durationMs)}${report.outcome.interrupted ? ' (interrupted)' : ''}`];
  for (const run of runs) out.push(`  ${run.runtime.label} (OpenSSL ${run.runtime.openssl}): ${countsOf(run)}`);
  out.push('');
  const hidden = new Set(runs.flatMap((r) => r.results.map((x) => x.scenario.id))).size - rows.length;
  if (rows.length) out.push(renderTableText(runs, rows));
  if (hidden > 0) out.push(`${hidden} scenario${hidden === 1 ? '' : 's'} passed alike on every runtime (not shown; --all shows them)`, '');
  for (const d of [...report.drifts, ...report.againstBaseline]) out.push(renderDriftText(d.drift, report.policy, d.title));
  return `${out.join('\n')}\n`;
}

export function renderMatrixMarkdown(report: MatrixReport): string {
  const { runs } = report.outcome;
  const differing = matrixRows(runs, { all: false });
  const out = ['# tlsgate matrix', '', '| runtime | OpenSSL | result |', '| --- | --- | --- |'];
  for (const run of runs) out.push(`| ${md(run.runtime.label)} | ${md(run.runtime.openssl)} | ${md(countsOf(run))} |`);
  out.push('', '## Scenarios that differ between runtimes or did not pass everywhere', '');
  out.push(differing.length ? renderTableMarkdown(runs, differing) : 'None: every scenario passed alike on every runtime.\n');
  out.push('<details><summary>Every scenario</summary>', '', renderTableMarkdown(runs, matrixRows(runs, { all: true })), '</details>', '');
  for (const d of report.drifts) out.push(renderDriftMarkdown(d.drift, report.policy, `Drift ${d.title}`));
  for (const d of report.againstBaseline) out.push(renderDriftMarkdown(d.drift, report.policy, `Drift against ${d.title}`));
  return out.join('\n');
}

export interface MatrixJson {
  runtimes: Array<{ label: string; node: string; openssl: string; execPath: string; summary: RuntimeRun['summary']; inventory: unknown; baseline: Baseline }>;
  drift: Array<{ from: string; to: string } & DriftJson>;
}

export function matrixJson(report: MatrixReport): MatrixJson {
  const json = (d: MatrixDrift) => ({
    from: d.from,
    to: d.to,
    ...driftJson({ against: d.from, drift: d.drift, policy: report.policy, fatal: fatalChanges(d.drift, report.policy) }),
  });
  return {
    runtimes: report.outcome.runs.map((run) => ({
      label: run.runtime.label,
      node: run.runtime.version,
      openssl: run.runtime.openssl,
      execPath: run.runtime.spec.execPath,
      summary: run.summary,
      inventory: run.inventory ?? null,
      baseline: baselineOf(run.results, run.inventory),
    })),
    drift: [...report.drifts, ...report.againstBaseline].map(json),
  };
}
