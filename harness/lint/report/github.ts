/**
 * The lint for GitHub Actions: an annotation per finding (error or warning) at the file and the
 * certificate's line, with the same escaping and the same per-step limit as the run's github
 * reporter (../../reporters/github.ts), and a table appended to $GITHUB_STEP_SUMMARY.
 */
import { cell, command, MAX_ERROR_ANNOTATIONS } from '../../reporters/github.js';
import { certLabel, type LintFinding, type LintReport } from '../findings.js';
import { countsLine } from './summary.js';

export function renderLintAnnotations(report: LintReport, pathOf: (file: string) => string = (f) => f): string {
  const lines: string[] = [];
  for (const severity of ['error', 'warning'] as const) {
    const all = report.findings.filter((f) => f.severity === severity);
    lines.push(...all.slice(0, MAX_ERROR_ANNOTATIONS).map((f) => annotation(f, pathOf)));
    const omitted = all.length - MAX_ERROR_ANNOTATIONS;
    if (omitted > 0) lines.push(command('warning', {}, `${omitted} more lint ${severity}s not annotated (GitHub shows ${MAX_ERROR_ANNOTATIONS} per step); see the step summary or the job log`));
  }
  return lines.map((l) => `${l}\n`).join('');
}

function annotation(f: LintFinding, pathOf: (file: string) => string): string {
  return command(f.severity, {
    file: pathOf(f.file),
    ...(f.cert?.line !== undefined ? { line: String(f.cert.line) } : {}),
    title: `tlsgate lint: ${f.rule}`,
  }, `${f.cert ? `${certLabel(f.cert)}: ` : ''}${f.message}\nfix: ${f.fix}`);
}

export function renderLintStepSummary(report: LintReport): string {
  const rows = report.findings.map((f) => `| ${f.severity === 'error' ? '❌ error' : '⚠️ warning'} | ${cell(f.rule)} | ${cell(`${f.file}${f.cert ? ` #${f.cert.index} ${certLabel(f.cert)}` : ''}`)} | ${cell(f.message)} | ${cell(f.fix)} |`);
  return ['', `### tlsgate lint: ${countsLine(report)}`, '', '| severity | rule | certificate | finding | fix |', '| --- | --- | --- | --- | --- |', ...rows, '', ''].join('\n');
}
