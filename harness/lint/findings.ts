/**
 * What `tlsgate lint` reports: findings, each naming the file, the certificate (subject and
 * serial), the rule, what is wrong and the fix, at a severity that decides the exit code.
 */

export type Severity = 'error' | 'warning';

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { warning: 1, error: 2 };

/** the certificate a finding is about, as a reader finds it again */
export interface CertRef {
  subject: string;
  /** lowercase hex, as `openssl x509 -serial` prints it (without its leading zeros) */
  serial: string;
  /** its position in the file, from 1 */
  index: number;
  /** the line of its BEGIN CERTIFICATE, in a PEM file */
  line?: number;
}

export interface LintFinding {
  /** as given on the command line, or found under a folder given there */
  file: string;
  /** undefined for findings about the file as a whole */
  cert?: CertRef;
  rule: string;
  severity: Severity;
  message: string;
  fix: string;
}

/** one file that was read, and how many certificates it held */
export interface LintedFile {
  file: string;
  format: 'pem' | 'der' | 'pkcs12';
  certificates: CertRef[];
}

export interface LintReport {
  files: LintedFile[];
  findings: LintFinding[];
  /** the instant the certificates were judged at */
  at: Date;
  failOn: Severity;
}

/** a finding at --fail-on or above */
export const failsAt = (f: Pick<LintFinding, 'severity'>, failOn: Severity): boolean => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn];

export const failsLint = (report: Pick<LintReport, 'findings' | 'failOn'>): boolean => report.findings.some((f) => failsAt(f, report.failOn));

/** `CN=api.example.test (serial 1f2e...)`, the way every reporter names a certificate */
export const certLabel = (c: CertRef): string => `${c.subject || '(empty subject)'} (serial ${c.serial})`;
