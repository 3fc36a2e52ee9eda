/**
 * TimeSpec: `now`, a signed offset (`-1d`, `+90d`, `+1h`, `-30m`, `+10s`, `+2w`, `+1y`) or an
 * absolute ISO 8601 date. Relative specs resolve against an anchor; the material cache uses a
 * rounded anchor so that a warm run reuses certificates without ever shifting a date across
 * "now" (see `cacheAnchor`).
 */

export type ParsedTime = { kind: 'relative'; offsetMs: number } | { kind: 'absolute'; date: Date };

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
};

const RELATIVE = /^([+-])(\d{1,6})([smhdwy])$/;
/** ISO 8601 date or date-time with an explicit zone (a date alone means midnight UTC) */
const ABSOLUTE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

export const TIME_SPEC_HINT = 'use `now`, an offset such as -1d, +90d, +1h, -30m, +10s, +2w, +1y, or an ISO date such as 2030-01-01T00:00:00Z';

/** undefined when the text is not a TimeSpec */
export function parseTimeSpec(text: string): ParsedTime | undefined {
  if (text === 'now') return { kind: 'relative', offsetMs: 0 };
  const rel = RELATIVE.exec(text);
  if (rel) return { kind: 'relative', offsetMs: (rel[1] === '-' ? -1 : 1) * Number(rel[2]) * UNIT_MS[rel[3]!]! };
  if (!ABSOLUTE.test(text)) return undefined;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) return undefined;
  // X.509 times end in 9999 (GeneralizedTime); anything beyond is a typo
  if (date.getUTCFullYear() < 1950 || date.getUTCFullYear() > 9999) return undefined;
  return { kind: 'absolute', date };
}

export function resolveTime(text: string, anchor: Date): Date {
  const parsed = parseTimeSpec(text);
  if (!parsed) throw new Error(`not a time: '${text}' (${TIME_SPEC_HINT})`);
  const date = parsed.kind === 'absolute' ? parsed.date : new Date(anchor.getTime() + parsed.offsetMs);
  // X.509 has second precision; dropping the milliseconds keeps DER strict and caches stable
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** whole seconds: X.509 cannot say less */
const MIN_QUANTUM_MS = 1000;
const MAX_QUANTUM_MS = 86_400_000;

/**
 * The anchor the factory resolves relative times against. Rounding "now" down to a quantum makes
 * issued material reusable for that long; the quantum is a tenth of the smallest non-zero
 * offset the spec uses (clamped to 1 s .. 1 day), so rounding moves each date by at most 10%
 * of its distance from now and never across it: `+30s` stays in the future, `-1m` in the past.
 * A run a day later always gets a new anchor, so drifted relative dates are never reused.
 */
export function cacheAnchor(now: Date, specs: readonly string[]): Date {
  let smallest = Infinity;
  for (const s of specs) {
    const p = parseTimeSpec(s);
    if (p?.kind === 'relative' && p.offsetMs !== 0) smallest = Math.min(smallest, Math.abs(p.offsetMs));
  }
  const quantum = Math.min(MAX_QUANTUM_MS, Math.max(MIN_QUANTUM_MS, Number.isFinite(smallest) ? smallest / 10 : MAX_QUANTUM_MS));
  return new Date(Math.floor(now.getTime() / quantum) * quantum);
}
