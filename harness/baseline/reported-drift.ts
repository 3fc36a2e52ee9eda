/**
 * The drift between two runs as every report shows it (`run --baseline`, the matrix's columns and
 * its --baseline): the scenarios' own `stacks` entries declare differences, and the drift of a
 * scenario a live acceptance covers is marked accepted.
 */
import { markAccepted } from './accepted-drift.js';
import { declarationsBetween, type DeclaringScenarios } from './declarations.js';
import { compareBaselines, type CompareOptions, type Drift } from './drift.js';
import type { Baseline } from './snapshot.js';

export interface ReportedDriftOptions extends Omit<CompareOptions, 'declared'> {
  /** the scenarios that ran, by id: their `stacks` declare differences between the two stacks */
  scenarios: DeclaringScenarios;
  /** the acceptance text of each accepted scenario (acceptedScenarios) */
  accepted: ReadonlyMap<string, string>;
}

export function reportedDrift(before: Baseline, after: Baseline, { scenarios, accepted, ...compare }: ReportedDriftOptions): Drift {
  const declared = declarationsBetween(scenarios, before, after);
  return markAccepted(compareBaselines(before, after, { ...compare, ...(declared ? { declared } : {}) }), accepted);
}
