/**
 * The lint as JSON, for scripts: the files read, every finding (file, certificate, rule,
 * severity, message, fix) and the counts. `version` changes when a field changes meaning.
 */
import type { LintReport } from '../findings.js';
import { lintCounts } from './summary.js';

export const LINT_REPORT_VERSION = 1;

export function renderLintJson(report: LintReport): string {
  return `${JSON.stringify({
    version: LINT_REPORT_VERSION,
    at: report.at.toISOString(),
    failOn: report.failOn,
    summary: lintCounts(report),
    files: report.files,
    findings: report.findings,
  }, null, 2)}\n`;
}
