/**
 * Which drift classes fail the gate. Default: the two regressions. `--fail-on` makes more
 * classes fatal; `--ignore` hides a class from reports and never fails on it.
 */
import { UsageError } from '../model/errors.js';
import { DRIFT_CLASSES, type Drift, type DriftChange, type DriftClass } from './drift.js';

export const DEFAULT_FATAL: readonly DriftClass[] = ['security-regression', 'availability-regression'];

export interface DriftPolicy {
  fatal: ReadonlySet<DriftClass>;
  ignored: ReadonlySet<DriftClass>;
}

export const DEFAULT_POLICY: DriftPolicy = { fatal: new Set(DEFAULT_FATAL), ignored: new Set() };

/** from the flags' values (each repeatable, each a comma list); a class in both is bad input */
export function driftPolicy(failOn: readonly string[], ignore: readonly string[]): DriftPolicy {
  const extra = parseDriftClasses(failOn, '--fail-on');
  const ignored = new Set(parseDriftClasses(ignore, '--ignore'));
  const both = extra.filter((c) => ignored.has(c));
  if (both.length) throw new UsageError(`${both.join(', ')} is given to both --fail-on and --ignore; keep it in one of them`);
  return { fatal: new Set([...DEFAULT_FATAL, ...extra].filter((c) => !ignored.has(c))), ignored };
}

export function parseDriftClasses(values: readonly string[], flag: string): DriftClass[] {
  const out: DriftClass[] = [];
  for (const item of values.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean)) {
    if (!isDriftClass(item)) throw new UsageError(`${flag} ${item}: unknown drift class; use one of: ${DRIFT_CLASSES.join(', ')}`);
    out.push(item);
  }
  return out;
}

const isDriftClass = (s: string): s is DriftClass => (DRIFT_CLASSES as readonly string[]).includes(s);

/** what a report shows: every change of a class not ignored */
export const shownChanges = (drift: Drift, policy: DriftPolicy): DriftChange[] =>
  drift.changes.filter((c) => !policy.ignored.has(c.kind));

/** the changes of a fatal class, except those of a scenario the project accepts */
export const fatalChanges = (drift: Drift, policy: DriftPolicy): DriftChange[] =>
  drift.changes.filter((c) => policy.fatal.has(c.kind) && c.accepted === undefined);
