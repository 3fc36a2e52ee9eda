/**
 * Text every reporter shares: durations, locations, expected-vs-got, observation lines (the
 * observation itself is printed by ../observation-text.ts).
 * One wording everywhere, so a failure reads the same in the console, JUnit, TAP and GitHub.
 */
import type { Mismatch, RunSummary, ScenarioResult } from '../model/domain.js';
import { formatObservation } from '../model/observation-text.js';
import { acceptanceText, isAccepted, type ReportedStatus } from '../model/acceptance.js';

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms - minutes * 60_000) / 1000)} s`;
}

/** `file:line`, the way editors and CI link to a place in a file */
/** where a terminal or CI tool opens the scenario: its path from the working directory, and line */
export const location = (r: ScenarioResult): string => `${r.scenario.path}:${r.scenario.line}`;

export const STATUS_LABEL: Record<ReportedStatus, string> = {
  passed: 'PASS',
  failed: 'FAIL',
  error: 'ERROR',
  skipped: 'SKIP',
  accepted: 'ACCEPTED',
};

export function formatValue(v: unknown): string {
  if (v === undefined || v === null) return '(none)';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(formatValue).join(' | ');
  return JSON.stringify(v);
}

export const formatMismatch = (m: Mismatch): string =>
  `${m.field}: expected ${formatValue(m.expected)}, got ${formatValue(m.actual)}`;

/** one line per connection, numbered only when there are several */
export function observationLines(r: ScenarioResult): string[] {
  const several = r.observations.length > 1;
  return r.observations.map((obs, i) => {
    const label = several ? `observed (connection ${i + 1})` : 'observed';
    const message = obs.message ? `  message="${collapseLineBreaks(obs.message)}"` : '';
    return `${label}: ${formatObservation(obs)}${message}`;
  });
}

/** the headline of a result: the verdict message, or the skip reason */
export function headline(r: ScenarioResult): string {
  const v = r.verdict;
  switch (v.status) {
    case 'passed': return 'passed';
    case 'failed':
    case 'error': return v.message;
    case 'skipped': return v.reason;
  }
}

/** everything about a failed or errored result, as lines: verdict, mismatches, the acceptance, observations */
export function failureDetails(r: ScenarioResult): string[] {
  const v = r.verdict;
  const mismatches = v.status === 'failed' ? v.mismatches.map((m) => `  ${formatMismatch(m)}`) : [];
  const acceptance = acceptanceText(r);
  return [headline(r), ...mismatches, ...(acceptance !== undefined ? [acceptance] : []), ...observationLines(r)];
}

/** `expected` and `got` columns for tables: from the mismatches, or the verdict as a whole */
export function expectedAndGot(r: ScenarioResult): { expected: string; got: string } {
  const v = r.verdict;
  const last = r.observations.at(-1);
  switch (v.status) {
    case 'failed':
      return {
        expected: v.mismatches.map((m) => `${m.field}: ${formatValue(m.expected)}`).join('; '),
        got: v.mismatches.map((m) => `${m.field}: ${formatValue(m.actual)}`).join('; '),
      };
    case 'error': return { expected: 'a verdict', got: `error: ${v.message}` };
    case 'skipped': return { expected: '(skipped)', got: v.reason };
    case 'passed': return { expected: 'met', got: last ? formatObservation(last) : 'passed' };
  }
}

export function countsLine(s: RunSummary): string {
  const parts = [`${s.passed} passed`, `${s.failed} failed`];
  if (s.errors) parts.push(`${s.errors} ${s.errors === 1 ? 'error' : 'errors'}`);
  if (s.skipped) parts.push(`${s.skipped} skipped`);
  if (s.accepted) parts.push(`${s.accepted} accepted`);
  const noun = s.total === 1 ? 'scenario' : 'scenarios';
  return `${s.total} ${noun}: ${parts.join(', ')} (${formatDuration(s.durationMs)})`;
}

/** a failure or error that fails the run: an accepted failure is not one */
export const isProblem = (r: ScenarioResult): boolean =>
  (r.verdict.status === 'failed' && !isAccepted(r)) || r.verdict.status === 'error';

/** failures and errors first, each group in catalogue order (the input order is kept) */
export function problemsFirst(results: readonly ScenarioResult[]): ScenarioResult[] {
  return [...results.filter(isProblem), ...results.filter((r) => !isProblem(r))];
}

export const collapseLineBreaks = (s: string): string => s.replace(/\s*[\r\n]+\s*/g, ' ').trim();
