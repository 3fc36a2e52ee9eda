/**
 * `tlsgate matrix --html DIR`: the matrix as one self-contained page, DIR/index.html. A table of
 * scenarios x runtimes (rows that fail somewhere first, then rows that differ), each cell the
 * verdict; clicking a cell shows that runtime's observations. The drifts between runtimes and
 * against --baseline above it; the run page's filters (status, folder, tag, drift class).
 */
import { driftClassesById, driftSection, esc, filterAttributes, filterBar, folderOf, htmlDocument, resultDetails, statusBadge } from '../reporters/html-page.js';
import { shownChanges } from '../baseline/policy.js';
import type { ScenarioResult } from '../model/domain.js';
import { formatDuration } from '../reporters/format.js';
import type { MatrixReport } from './report.js';
import { cellOf } from './table.js';

interface Row {
  id: string;
  /** the scenario as the first runtime that ran it saw it */
  first: ScenarioResult;
  /** one per runtime, in the matrix's order; undefined where it did not run */
  cells: Array<ScenarioResult | undefined>;
}

export function renderMatrixPage(report: MatrixReport): string {
  const { runs } = report.outcome;
  const rows = worstFirst(matrixResultRows(report));
  const allDrifts = [...report.drifts, ...report.againstBaseline];
  const classes = driftClassesById(allDrifts.flatMap((d) => shownChanges(d.drift, report.policy)));
  const results = rows.flatMap((row) => row.cells.filter((c): c is ScenarioResult => c !== undefined));
  const body = [
    `<header><h1>tlsgate matrix</h1><p class="env">${runs.length} runtime${runs.length === 1 ? '' : 's'}, ${esc(formatDuration(report.outcome.durationMs))}${report.outcome.interrupted ? ' (interrupted)' : ''}</p>`,
    `<table class="grid"><tr><th>runtime</th><th>OpenSSL</th><th>passed</th><th>failed</th><th>errors</th><th>skipped</th></tr>${runs.map((run) =>
      `<tr><td>${esc(run.runtime.label)}</td><td>${esc(run.runtime.openssl)}</td><td>${run.summary.passed}</td><td>${run.summary.failed}</td><td>${run.summary.errors}</td><td>${run.summary.skipped}</td></tr>`).join('')}</table></header>`,
    ...report.drifts.map((d) => driftSection(d.drift, report.policy, d.from, `Drift ${d.title}`)),
    ...report.againstBaseline.map((d) => driftSection(d.drift, report.policy, d.from, `Drift against ${d.title}`)),
    filterBar({
      status: results.map((r) => r.verdict.status),
      folder: rows.map((row) => folderOf(row.first)),
      tag: rows.flatMap((row) => row.first.scenario.tags),
      ...(allDrifts.length ? { drift: [...classes.values()].flat() } : {}),
    }),
    `<table class="matrix"><thead><tr><th>scenario</th>${runs.map((run) => `<th>${esc(run.runtime.label)}</th>`).join('')}</tr></thead><tbody>`,
    ...rows.map((row, i) => rowHtml(row, i, classes.get(row.id) ?? [])),
    '</tbody></table>',
    ...rows.flatMap((row, i) => row.cells.map((r, j) => (r ? cellPanel(r, runs[j]!.runtime.label, `${i}-${j}`) : ''))),
  ];
  const failing = runs.filter((run) => run.summary.failed + run.summary.errors > 0).length;
  return htmlDocument(`tlsgate matrix: ${failing ? `failing on ${failing} of ${runs.length} runtimes` : 'all passed'}`, body.join('\n'));
}

function matrixResultRows(report: MatrixReport): Row[] {
  const { runs } = report.outcome;
  const byRun = runs.map((run) => new Map(run.results.map((r) => [r.scenario.id, r])));
  const ids = [...new Set(runs.flatMap((run) => run.results.map((r) => r.scenario.id)))];
  return ids.map((id) => {
    const cells = byRun.map((m) => m.get(id));
    return { id, first: cells.find((c) => c !== undefined)!, cells };
  });
}

/** rows that fail or err somewhere, then rows whose cells differ, then the rest; catalogue order within */
function worstFirst(rows: readonly Row[]): Row[] {
  const rank = (row: Row): number => {
    if (row.cells.some((c) => c?.verdict.status === 'failed' || c?.verdict.status === 'error')) return 0;
    return new Set(row.cells.map(cellOf)).size > 1 ? 1 : 2;
  };
  return rows.map((row, i) => ({ row, i, rank: rank(row) })).sort((a, b) => a.rank - b.rank || a.i - b.i).map((x) => x.row);
}

function rowHtml(row: Row, index: number, drift: readonly string[]): string {
  const statuses = [...new Set(row.cells.flatMap((c) => (c ? [c.verdict.status] : [])))];
  const attrs = filterAttributes({ status: statuses, folder: folderOf(row.first), tags: row.first.scenario.tags, drift });
  const cells = row.cells.map((c, j) => (c
    ? `<td><button type="button" class="${c.verdict.status}" data-cell="${index}-${j}" title="show the observation">${esc(cellOf(c))}</button></td>`
    : '<td><button type="button" class="missing" disabled>not run</button></td>'));
  return `<tr class="item" ${attrs}><td>${esc(row.first.scenario.name)}<div class="where">${esc(row.first.scenario.path)}:${row.first.scenario.line}${
    drift.map((k) => ` <span class="badge drift">${esc(k)}</span>`).join('')}</div></td>${cells.join('')}</tr>`;
}

function cellPanel(r: ScenarioResult, runtime: string, cell: string): string {
  return `<section class="cell-panel" data-cell="${cell}" hidden><h3>${statusBadge(r.verdict.status)} ${esc(r.scenario.name)} on ${esc(runtime)}</h3>
${resultDetails(r)}
</section>`;
}
