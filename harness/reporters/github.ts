/**
 * GitHub Actions: an `::error` annotation per failed scenario, pinned to its line in the YAML, and
 * a Markdown table appended to $GITHUB_STEP_SUMMARY. GitHub shows at most 10 error annotations per
 * step, so the rest are counted in one `::warning` instead of silently vanishing. An accepted
 * failure is a `::warning` at its line, with the acceptance's reason.
 */
import { appendFile } from 'node:fs/promises';
import { driftHeadline, failsGate, renderDriftMarkdown, type DriftOutcome } from '../baseline/render.js';
import type { RunSummary, ScenarioResult } from '../model/domain.js';
import type { Reporter } from './types.js';
import { collapseLineBreaks, countsLine, expectedAndGot, headline, isProblem, location, problemsFirst } from './format.js';
import { acceptanceText, isAccepted, reportedStatus } from '../model/acceptance.js';
import type { Output } from './output.js';

/** GitHub's documented limit of error annotations shown per step */
export const MAX_ERROR_ANNOTATIONS = 10;

export interface GithubReporterOptions {
  /** the file to append the Markdown summary to (the job's GITHUB_STEP_SUMMARY) */
  stepSummaryFile?: string;
  /** maps a scenario's `path` (from the working directory) to one from the repository root */
  annotationPath?: (path: string) => string;
  /** the drift against --baseline: an error annotation when it fails the gate, Markdown in the summary */
  drift?: (results: readonly ScenarioResult[]) => Promise<DriftOutcome | undefined>;
}

export function githubReporter(out: Output, opts: GithubReporterOptions = {}): Reporter {
  return {
    name: 'github',
    async onEnd(summary, results) {
      const drift = await opts.drift?.(results);
      out.write(annotations(results, opts.annotationPath ?? ((f) => f)));
      if (drift && failsGate(drift)) out.write(`${command('error', { title: 'tlsgate drift' }, driftHeadline(drift.drift, drift.policy, drift.against, drift.failures))}\n`);
      await out.close();
      if (!opts.stepSummaryFile) return;
      await appendFile(opts.stepSummaryFile, stepSummary(summary, results));
      if (drift) await appendFile(opts.stepSummaryFile, `\n${renderDriftMarkdown(drift.drift, drift.policy, `tlsgate drift against ${drift.against}`, '###', { failures: drift.failures })}\n`);
    },
  };
}

export function annotations(results: readonly ScenarioResult[], pathOf: (path: string) => string): string {
  const problems = results.filter(isProblem);
  const lines = problems.slice(0, MAX_ERROR_ANNOTATIONS).map((r) => command('error', {
    file: pathOf(r.scenario.path),
    line: String(r.scenario.line),
    title: `tlsgate: ${r.scenario.name}`,
  }, headline(r)));
  const omitted = problems.length - MAX_ERROR_ANNOTATIONS;
  if (omitted > 0) {
    lines.push(command('warning', {}, `${omitted} more failed scenario${omitted === 1 ? '' : 's'} not annotated (GitHub shows ${MAX_ERROR_ANNOTATIONS} error annotations per step); see the step summary or the job log`));
  }
  lines.push(...results.filter(isAccepted).map((r) => command('warning', {
    file: pathOf(r.scenario.path),
    line: String(r.scenario.line),
    title: `tlsgate: accepted: ${r.scenario.name}`,
  }, `${headline(r)}\n${acceptanceText(r)}`)));
  return lines.map((l) => `${l}\n`).join('');
}

/** `::name key=value,...::message`, escaped as @actions/core escapes it */
export function command(name: string, props: Record<string, string>, message: string): string {
  const list = Object.entries(props).map(([k, v]) => `${k}=${escapeProperty(v)}`).join(',');
  return `::${name}${list ? ` ${list}` : ''}::${escapeData(message)}`;
}

export const escapeData = (s: string): string =>
  s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

export const escapeProperty = (s: string): string =>
  escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function stepSummary(summary: RunSummary, results: readonly ScenarioResult[]): string {
  const icon = { passed: '✅ passed', failed: '❌ failed', error: '💥 error', skipped: '⏭️ skipped', accepted: '⚠️ accepted' } as const;
  const rows = problemsFirst(results).map((r) => {
    const { expected, got } = expectedAndGot(r);
    return `| ${icon[reportedStatus(r)]} | ${cell(r.scenario.name)} <sub>${cell(location(r))}</sub> | ${cell(expected)} | ${cell(got)} |`;
  });
  const heading = `### tlsgate: ${countsLine(summary)}${summary.interrupted ? ' — interrupted' : ''}`;
  return ['', heading, '', '| status | scenario | expected | got |', '| --- | --- | --- | --- |', ...rows, '', ''].join('\n');
}

const MAX_CELL = 300;

/** one table cell: no line breaks, `|` escaped, HTML neutralized, bounded length */
export function cell(text: string): string {
  const flat = collapseLineBreaks(text);
  const short = flat.length > MAX_CELL ? `${flat.slice(0, MAX_CELL - 1)}…` : flat;
  return short.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|');
}
