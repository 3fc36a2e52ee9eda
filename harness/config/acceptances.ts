/**
 * A project's `accept` entries applied to results: a failed verdict that an acceptance matches
 * gets it attached, with `expired` set when its date has come or the running Node is outside its
 * range (the failure then fails the run and says so). Nothing is dropped and no verdict changes:
 * reporters show the result as ACCEPTED (harness/model/acceptance.ts).
 */
import semver from 'semver';
import type { AppliedAcceptance, ScenarioResult } from '../model/domain.js';
import type { Acceptance } from './load-config.js';
import { idMatcher } from './matching.js';

export interface Today {
  /** when the run began */
  now: Date;
  /** the Node that ran the handshakes (process.versions.node) */
  node: string;
}

interface Compiled {
  acceptance: Acceptance;
  matches: (id: string) => boolean;
}

const compile = (accept: readonly Acceptance[]): Compiled[] => accept.map((acceptance) => ({ acceptance, matches: idMatcher(acceptance.scenario) }));

/** the runner's `review` hook: attaches the first live acceptance (else the first expired one) to a failure */
export function acceptanceReview(accept: readonly Acceptance[], today: Today): (result: ScenarioResult) => ScenarioResult {
  const compiled = compile(accept);
  return (result) => {
    if (result.verdict.status !== 'failed') return result;
    const applied = compiled.filter((c) => c.matches(result.scenario.id)).map((c) => appliedAcceptance(c.acceptance, today));
    const chosen = applied.find((a) => a.expired === undefined) ?? applied[0];
    return chosen ? { ...result, acceptance: chosen } : result;
  };
}

function appliedAcceptance(a: Acceptance, today: Today): AppliedAcceptance {
  const why = expiryReason(a, today);
  return { scenario: a.scenario, reason: a.reason, expires: expiryText(a), source: a.source, ...(why !== undefined ? { expired: why } : {}) };
}

export const expiryText = (a: Acceptance): string => ('date' in a.expires ? a.expires.date : `node ${a.expires.node}`);

/** why the acceptance no longer holds today, or undefined while it does */
export function expiryReason(a: Acceptance, today: Today): string | undefined {
  if ('date' in a.expires) {
    const ends = new Date(`${a.expires.date}T00:00:00Z`);
    return today.now.getTime() >= ends.getTime() ? `it expired on ${a.expires.date}` : undefined;
  }
  return semver.satisfies(today.node, a.expires.node, { includePrerelease: true })
    ? undefined
    : `the running Node ${today.node} is outside its range ${a.expires.node}`;
}

/** acceptances whose id or glob matches none of the scenarios found (before any filter) */
export function unmatchedAcceptances(accept: readonly Acceptance[], ids: readonly string[]): Acceptance[] {
  return compile(accept).filter((c) => !ids.some(c.matches)).map((c) => c.acceptance);
}
