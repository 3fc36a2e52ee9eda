/**
 * The side-by-side view: one row per scenario, one column per runtime, each cell the verdict and
 * what each connection did (`pass rejected expired`, `FAIL accepted`, `skip`). Rows that are the
 * same everywhere and passed can be left out, so the differences stand out.
 */
import { reportedStatus, type ReportedStatus } from '../model/acceptance.js';
import type { ScenarioResult } from '../model/domain.js';
import { md } from '../baseline/render.js';
import type { RuntimeRun } from './run-matrix.js';

export interface MatrixRow {
  id: string;
  cells: string[];
}

const VERDICT: Record<ReportedStatus, string> = { passed: 'pass', failed: 'FAIL', error: 'ERROR', skipped: 'skip', accepted: 'ACCEPTED' };

export function cellOf(r: ScenarioResult | undefined): string {
  if (!r) return 'not run';
  const connections = r.observations.map((o) => (o.outcome === 'accepted' ? 'accepted' : `rejected ${o.category ?? o.code ?? ''}`.trim()));
  return [VERDICT[reportedStatus(r)], connections.join(', ')].filter(Boolean).join(' ');
}

/** every scenario of any run, in catalogue order of the first run that has it */
export function matrixRows(runs: readonly RuntimeRun[], opts: { all: boolean }): MatrixRow[] {
  const byRun = runs.map((run) => new Map(run.results.map((r) => [r.scenario.id, r])));
  const ids = [...new Set(runs.flatMap((run) => run.results.map((r) => r.scenario.id)))];
  const rows = ids.map((id) => ({ id, cells: byRun.map((m) => cellOf(m.get(id))) }));
  return opts.all ? rows : rows.filter((row) => new Set(row.cells).size > 1 || row.cells.some((c) => !c.startsWith('pass')));
}

export function renderTableText(runs: readonly RuntimeRun[], rows: readonly MatrixRow[]): string {
  const header = ['scenario', ...runs.map((r) => r.runtime.label)];
  const body = rows.map((row) => [row.id, ...row.cells]);
  const widths = header.map((h, i) => Math.min(70, Math.max(h.length, ...body.map((b) => b[i]!.length))));
  const line = (cells: string[]) => cells.map((c, i) => fit(c, widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n') + '\n';
}

export function renderTableMarkdown(runs: readonly RuntimeRun[], rows: readonly MatrixRow[]): string {
  const header = `| scenario | ${runs.map((r) => md(r.runtime.label)).join(' | ')} |`;
  const rule = `| --- | ${runs.map(() => '---').join(' | ')} |`;
  return [header, rule, ...rows.map((row) => `| ${md(row.id)} | ${row.cells.map(md).join(' | ')} |`)].join('\n') + '\n';
}

function fit(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}
