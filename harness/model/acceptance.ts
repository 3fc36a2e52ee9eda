/**
 * A result's status as reported: a failed verdict that a live project acceptance covers is
 * ACCEPTED (shown everywhere, never failing the run). The verdict itself stays the judge's, so
 * baselines still record what the stack did.
 */
import type { ResultStatus, ScenarioResult } from './domain.js';

export type ReportedStatus = ResultStatus | 'accepted';

export const isAccepted = (r: Pick<ScenarioResult, 'verdict' | 'acceptance'>): boolean =>
  r.verdict.status === 'failed' && r.acceptance !== undefined && r.acceptance.expired === undefined;

export const reportedStatus = (r: Pick<ScenarioResult, 'verdict' | 'acceptance'>): ReportedStatus =>
  (isAccepted(r) ? 'accepted' : r.verdict.status);

/** `accepted in tlsgate.config.yaml:12 (until 2026-06-30): <reason>` */
export function acceptanceText(r: Pick<ScenarioResult, 'acceptance'>): string | undefined {
  const a = r.acceptance;
  if (!a) return undefined;
  if (a.expired !== undefined) return `acceptance expired (${a.source}, ${a.expires}): ${a.expired}; it said: ${a.reason}`;
  return `accepted in ${a.source} (expires ${a.expires}): ${a.reason}`;
}
