/**
 * The lint's settings and the workload classes of the project config, compiled: durations in
 * ms, globs as matchers. The first class whose `match` a certificate meets sets its policy.
 */
import picomatch from 'picomatch';
import { parseTimeSpec } from '../../ca/spec/time.js';
import type { LintClassInput, LintConfigInput, LintKeyType } from '../config/lint-format.js';
import { allSans, type CertFacts } from './cert-facts.js';
import type { Severity } from './findings.js';
import { spiffeIdOf } from './spiffe-id.js';

export interface WorkloadClass {
  name: string;
  maxTtlMs?: number;
  /** the text the config wrote (`24h`), for messages */
  maxTtl?: string;
  keyTypes?: readonly LintKeyType[];
  svid: boolean;
  matches: (c: CertFacts) => boolean;
}

export interface LintSettings {
  /** the instant certificates are judged at */
  now: Date;
  expiresWithinMs: number;
  /** as given (`30d`) */
  expiresWithin: string;
  securityLevel: number;
  shortLivedMs: number;
  shortLived: string;
  failOn: Severity;
  classes: readonly WorkloadClass[];
}

/** `30d` -> ms, read as the scenario format reads `+30d`; undefined when it is not a duration */
export function durationMs(text: string): number | undefined {
  const parsed = parseTimeSpec(`+${text}`);
  return parsed?.kind === 'relative' ? parsed.offsetMs : undefined;
}

export const DEFAULTS = { expiresWithin: '30d', shortLived: '10d', securityLevel: 2, failOn: 'error' } as const;

export function compileClasses(config: LintConfigInput | undefined): WorkloadClass[] {
  return (config?.classes ?? []).map(compileClass);
}

function compileClass(c: LintClassInput): WorkloadClass {
  const globs = (value: string | string[] | undefined) => [value ?? []].flat().map((g) => picomatch(g, { dot: true, nocase: false }));
  const spiffe = globs(c.match.spiffeId);
  const san = globs(c.match.san);
  const subject = globs(c.match.subject);
  const ttl = c.maxTtl !== undefined ? durationMs(c.maxTtl) : undefined;
  return {
    name: c.name,
    ...(ttl !== undefined ? { maxTtlMs: ttl, maxTtl: c.maxTtl! } : {}),
    ...(c.keyTypes ? { keyTypes: c.keyTypes } : {}),
    svid: c.svid === true,
    matches: (cert) => {
      const id = spiffeIdOf(cert);
      return (id !== undefined && spiffe.some((m) => m(id)))
        || allSans(cert).some((name) => san.some((m) => m(name)))
        || subject.some((m) => m(cert.subject));
    },
  };
}

export const classOf = (cert: CertFacts, settings: LintSettings): WorkloadClass | undefined =>
  settings.classes.find((c) => c.matches(cert));
