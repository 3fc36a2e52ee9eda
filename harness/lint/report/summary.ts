/** Counts every lint reporter prints the same way. */
import { failsLint, type LintReport } from '../findings.js';

export interface LintCounts {
  files: number;
  certificates: number;
  errors: number;
  warnings: number;
  failed: boolean;
}

export function lintCounts(report: LintReport): LintCounts {
  return {
    files: report.files.length,
    certificates: report.files.reduce((n, f) => n + f.certificates.length, 0),
    errors: report.findings.filter((f) => f.severity === 'error').length,
    warnings: report.findings.filter((f) => f.severity === 'warning').length,
    failed: failsLint(report),
  };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `12 certificates in 4 files: 3 errors, 2 warnings; fails (--fail-on error)` */
export function countsLine(report: LintReport): string {
  const c = lintCounts(report);
  return `${plural(c.certificates, 'certificate')} in ${plural(c.files, 'file')}: ${plural(c.errors, 'error')}, ${plural(c.warnings, 'warning')}; ${c.failed ? 'fails' : 'passes'} (--fail-on ${report.failOn})`;
}
