/**
 * The shape every lint rule has: a file's certificates in, findings out (the file is added by
 * the caller). `perCert` lifts a rule about one certificate to a file.
 */
import { issues, type CertFacts } from '../cert-facts.js';
import type { CertFile } from '../cert-files.js';
import type { LintFinding, Severity } from '../findings.js';
import type { LintSettings } from '../policy.js';

export type RuleFinding = Omit<LintFinding, 'file'>;

export interface RuleContext {
  settings: LintSettings;
  /** every certificate of every file linted: issuers may live in another file */
  pool: readonly CertFacts[];
}

export type FileRule = (file: CertFile, ctx: RuleContext) => RuleFinding[];
export type CertRule = (cert: CertFacts, ctx: RuleContext) => RuleFinding[];

export const perCert = (rule: CertRule): FileRule => (file, ctx) => file.certs.flatMap((c) => rule(c, ctx));

export function finding(cert: CertFacts | undefined, rule: string, severity: Severity, message: string, fix: string): RuleFinding {
  return { ...(cert ? { cert: cert.ref } : {}), rule, severity, message, fix };
}

/** a CA certificate that issued another certificate in the files linted */
export const issuesAny = (cert: CertFacts, ctx: RuleContext): boolean =>
  // only a CA issues (OpenSSL refuses any other issuer): skips a signature check per pair for every leaf
  cert.isCa && ctx.pool.some((other) => other !== cert && other.fingerprint !== cert.fingerprint && issues(cert, other));
