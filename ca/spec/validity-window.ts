/**
 * A certificate's validity window: its default, and whether it is possible. This is the one check
 * of a spec whose answer moves with the clock: a window mixing a relative and an absolute time
 * (`notBefore: -1d`, `notAfter: 2030-01-01`) is possible now and impossible some day, so a check
 * made earlier (the load cache's) holds only while impossibleWindows still finds nothing. Kept
 * apart from validate-spec.ts so that asking costs no more than the time parser.
 */
import type { CertSpec, PkiSpec, SpecProblem } from './spec.js';
import { parseTimeSpec, resolveTime, TIME_SPEC_HINT } from './time.js';

export type AddProblem = (path: Array<string | number>, message: string, hint?: string) => void;

export const adderTo = (problems: SpecProblem[]): AddProblem => (path, message, hint) => {
  problems.push({ path, message, ...(hint ? { hint } : {}) });
};

/** the validity a cert gets when its spec names none */
export const defaultValidity = (c: CertSpec): { notBefore: string; notAfter: string } => ({
  notBefore: c.validity?.notBefore ?? '-1d',
  notAfter: c.validity?.notAfter ?? (c.role === 'root' || c.role === 'intermediate' ? '+3650d' : '+90d'),
});

/** some window of the spec mixes a relative and an absolute time: whether it is possible depends on when it is asked */
export function windowsMoveWithClock(spec: PkiSpec): boolean {
  return (spec.certs ?? []).some((c) => {
    const { notBefore, notAfter } = defaultValidity(c);
    return parseTimeSpec(notBefore)?.kind !== parseTimeSpec(notAfter)?.kind;
  });
}

export function impossibleWindows(spec: PkiSpec, now: Date): SpecProblem[] {
  const problems: SpecProblem[] = [];
  (spec.certs ?? []).forEach((c, i) => checkValidity(c, ['certs', i], adderTo(problems), now));
  return problems;
}

export function checkValidity(c: CertSpec, at: Array<string | number>, add: AddProblem, now: Date): void {
  const { notBefore, notAfter } = defaultValidity(c);
  const parsed = [['notBefore', notBefore], ['notAfter', notAfter]] as const;
  let ok = true;
  for (const [field, text] of parsed) {
    if (text !== undefined && !parseTimeSpec(text)) {
      add([...at, 'validity', field], `'${text}' is not a time`, TIME_SPEC_HINT);
      ok = false;
    }
  }
  if (!ok) return;
  if (resolveTime(notAfter, now) <= resolveTime(notBefore, now)) {
    add([...at, 'validity'], `impossible validity window: notAfter (${notAfter}) is not after notBefore (${notBefore})`, 'an expired certificate is notBefore: -30d, notAfter: -1d; a not-yet-valid one is notBefore: +1d, notAfter: +30d');
  }
}
