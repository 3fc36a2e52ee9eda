/**
 * Drift of a scenario the project accepts (a live `accept` entry of the project config covers
 * its failure) is marked as accepted, never dropped: shown with the acceptance, and it does not
 * fail the gate, as the accepted failure itself does not fail the run.
 */
import { acceptanceText, isAccepted } from '../model/acceptance.js';
import type { ScenarioResult } from '../model/domain.js';
import type { Drift } from './drift.js';
import type { FailuresAgainstBaseline } from './failures.js';

/** the acceptance text of each accepted scenario among the results (of either side) */
export function acceptedScenarios(...runs: ReadonlyArray<readonly ScenarioResult[]>): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of runs.flat()) if (isAccepted(r)) out.set(r.scenario.id, acceptanceText(r)!);
  return out;
}

export function markAccepted(drift: Drift, accepted: ReadonlyMap<string, string>): Drift {
  if (accepted.size === 0) return drift;
  return { ...drift, changes: drift.changes.map((c) => (accepted.has(c.id) ? { ...c, accepted: accepted.get(c.id)! } : c)) };
}

export function markAcceptedFailures(f: FailuresAgainstBaseline, accepted: ReadonlyMap<string, string>): FailuresAgainstBaseline {
  if (accepted.size === 0) return f;
  return { ...f, unexpected: f.unexpected.map((n) => (accepted.has(n.id) ? { ...n, accepted: accepted.get(n.id)! } : n)) };
}
