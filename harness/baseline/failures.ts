/**
 * Failing scenarios against a baseline. A baseline records failures too: a scenario that fails
 * exactly as recorded (same verdict, same unmet expectations or error message) is a known
 * failure and does not fail a `--baseline` run; a scenario that fails now and passed before, or
 * fails differently, does.
 */
import type { ScenarioResult } from '../model/domain.js';
import { failureOf, type Baseline } from './snapshot.js';

export interface FailureNote {
  id: string;
  /** the failure now, as the baseline records it */
  now: string[];
  /** unexpected only: how the baseline recorded the scenario */
  was?: string;
  /** a live project acceptance covers this failure: shown with this text, not fatal */
  accepted?: string;
}

export interface FailuresAgainstBaseline {
  /** fail exactly as the baseline recorded: reported, not fatal */
  asRecorded: FailureNote[];
  /** new failures, or failures that changed: fatal */
  unexpected: FailureNote[];
}

export function failuresAgainst(before: Baseline, results: readonly ScenarioResult[]): FailuresAgainstBaseline {
  const out: FailuresAgainstBaseline = { asRecorded: [], unexpected: [] };
  for (const r of results) {
    const now = failureOf(r.verdict);
    if (!now) continue;
    const recorded = before.scenarios[r.scenario.id];
    const same = recorded?.verdict === r.verdict.status && sameLines(recorded.failure, now);
    if (same) out.asRecorded.push({ id: r.scenario.id, now });
    else out.unexpected.push({ id: r.scenario.id, now, was: recorded ? describeRecorded(recorded.verdict, recorded.failure) : 'not in the baseline' });
  }
  return out;
}

/** a baseline written before failures were recorded has none: the verdict alone then decides */
const sameLines = (recorded: string[] | undefined, now: string[]): boolean =>
  recorded === undefined || (recorded.length === now.length && recorded.every((l, i) => l === now[i]));

const describeRecorded = (verdict: string, failure: string[] | undefined): string =>
  failure?.length ? `${verdict}: ${failure.join('; ')}` : verdict;
