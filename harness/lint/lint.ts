/**
 * `tlsgate lint` without its command line: read the files, run every rule over every file, and
 * sort the findings by file, certificate and severity. Bad input (unreadable files, wrong
 * passphrases) ends in problems instead of a report: the caller exits 2.
 */
import { readCertFiles, type Passphrases } from './cert-files.js';
import { SEVERITY_RANK, type LintFinding, type LintReport } from './findings.js';
import type { LintSettings } from './policy.js';
import { bundleRule } from './rules/bundle.js';
import { hostnameRule } from './rules/hostnames.js';
import { revocationPointersRule } from './rules/revocation-pointers.js';
import { perCert, type FileRule } from './rules/rule.js';
import { spiffeRule } from './rules/spiffe.js';
import { strengthRule } from './rules/strength.js';
import { validityRule } from './rules/validity.js';

/** every rule, in the order their findings read best: time, strength, identity, revocation, names, bundle */
const RULES: readonly FileRule[] = [
  perCert(validityRule),
  perCert(strengthRule),
  perCert(spiffeRule),
  perCert(revocationPointersRule),
  perCert(hostnameRule),
  bundleRule,
];

export type LintOutcome = { report: LintReport } | { problems: string[] };

export async function lintFiles(paths: readonly string[], settings: LintSettings, passphrases: Passphrases): Promise<LintOutcome> {
  const { files, problems } = await readCertFiles(paths, passphrases);
  if (problems.length) return { problems };
  if (files.length === 0) return { problems: [`${paths.join(', ')}: no certificate files found (names ending .pem, .crt, .cer, .der, .cert, .p12 or .pfx)`] };
  const pool = files.flatMap((f) => f.certs);
  const findings: LintFinding[] = files.flatMap((file) => RULES.flatMap((rule) => rule(file, { settings, pool }).map((f) => ({ file: file.file, ...f }))));
  return {
    report: {
      files: files.map(({ file, format, certs }) => ({ file, format, certificates: certs.map((c) => c.ref) })),
      findings: sortFindings(findings),
      at: settings.now,
      failOn: settings.failOn,
    },
  };
}

/** by file (as read), then certificate, then errors before warnings; rules keep their order */
function sortFindings(findings: LintFinding[]): LintFinding[] {
  const fileOrder = new Map<string, number>();
  for (const f of findings) if (!fileOrder.has(f.file)) fileOrder.set(f.file, fileOrder.size);
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => fileOrder.get(a.f.file)! - fileOrder.get(b.f.file)!
      || (a.f.cert?.index ?? 0) - (b.f.cert?.index ?? 0)
      || SEVERITY_RANK[b.f.severity] - SEVERITY_RANK[a.f.severity]
      || a.i - b.i)
    .map(({ f }) => f);
}
