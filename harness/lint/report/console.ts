/**
 * The lint for a terminal or a CI log: per file, per certificate, each finding with its rule,
 * what is wrong and the fix; a counts line last.
 */
import { certLabel, type LintFinding, type LintReport } from '../findings.js';
import { countsLine } from './summary.js';

export function renderLintConsole(report: LintReport): string {
  const lines: string[] = [];
  let file: string | undefined;
  let cert: string | undefined;
  for (const f of report.findings) {
    if (f.file !== file) {
      lines.push('', f.file);
      file = f.file;
      cert = undefined;
    }
    const label = f.cert ? `#${f.cert.index} ${certLabel(f.cert)}${f.cert.line !== undefined ? ` (line ${f.cert.line})` : ''}` : '(the file)';
    if (label !== cert) {
      lines.push(`  ${label}`);
      cert = label;
    }
    lines.push(...findingLines(f));
  }
  if (report.findings.length === 0) lines.push('', 'no findings');
  lines.push('', `tlsgate lint: ${countsLine(report)}`);
  return `${lines.join('\n').replace(/^\n/, '')}\n`;
}

function findingLines(f: LintFinding): string[] {
  return [`    ${f.severity.padEnd(7)} ${f.rule}: ${f.message}`, `            fix: ${f.fix}`];
}
