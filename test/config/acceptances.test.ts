/** The `accept` rules on their own: when an acceptance holds, what it matches, what it never touches. */
import { expect } from 'chai';
import { acceptanceReview, expiryReason, unmatchedAcceptances } from '../../harness/config/acceptances.js';
import type { Acceptance } from '../../harness/config/load-config.js';
import { idMatcher } from '../../harness/config/matching.js';
import { isAccepted, reportedStatus } from '../../harness/model/acceptance.js';
import { summarize } from '../../harness/run/runner.js';
import { errored, failed, makeScenario, passed } from '../runner/fixtures.js';

const acceptance = (scenario: string, expires: Acceptance['expires']): Acceptance => ({ scenario, reason: 'why', expires, source: 'tlsgate.config.yaml:3' });
const on = (day: string, node = '24.1.0') => ({ now: new Date(`${day}T12:00:00Z`), node });

describe('project acceptances', () => {
  it('a date holds up to the day before it; from that day (UTC) on it has expired', () => {
    const a = acceptance('x', { date: '2026-06-30' });
    expect(expiryReason(a, on('2026-06-29'))).to.equal(undefined);
    expect(expiryReason(a, on('2026-06-30'))).to.equal('it expired on 2026-06-30');
    expect(expiryReason(a, { now: new Date('2026-06-29T23:59:59Z'), node: '24.1.0' })).to.equal(undefined);
  });

  it('a Node range holds only while the running Node is in it', () => {
    const a = acceptance('x', { node: '>=24 <25' });
    expect(expiryReason(a, on('2026-01-01', '24.11.1'))).to.equal(undefined);
    expect(expiryReason(a, on('2026-01-01', '22.20.0'))).to.equal('the running Node 22.20.0 is outside its range >=24 <25');
    expect(expiryReason(a, on('2026-01-01', '25.0.0'))).to.match(/outside/);
  });

  it('an id matches itself exactly even with glob characters in the name; a glob matches by picomatch rules', () => {
    expect(idMatcher('chain/a.yaml#leaf (legacy) [1]')('chain/a.yaml#leaf (legacy) [1]')).to.equal(true);
    expect(idMatcher('chain/*')('chain/a.yaml#leaf')).to.equal(true);
    expect(idMatcher('*')('chain/a.yaml#leaf'), '* stops at /').to.equal(false);
    expect(idMatcher('**')('chain/a.yaml#leaf')).to.equal(true);
    expect(idMatcher('chain/a.yaml#leaf')('chain/a.yaml#leaf 2')).to.equal(false);
  });

  it('only failures are accepted: a pass and an error are left as they are, and the summary counts accepted apart from failed', () => {
    const review = acceptanceReview([acceptance('chain/*', { date: '2999-01-01' })], on('2026-01-01'));
    const results = [
      passed(makeScenario('ok', { file: 'chain/a.yaml' })),
      failed(makeScenario('bad', { file: 'chain/a.yaml', line: 5 })),
      errored(makeScenario('broken', { file: 'chain/a.yaml', line: 9 })),
      failed(makeScenario('other', { file: 'mtls/b.yaml' })),
    ].map(review);
    expect(results.map(reportedStatus)).to.deep.equal(['passed', 'accepted', 'error', 'failed']);
    expect(results.map((r) => r.acceptance !== undefined)).to.deep.equal([false, true, false, false]);
    expect(results[1]!.verdict.status, 'the verdict is the judge\'s').to.equal('failed');
    expect(summarize(results, 1, false)).to.include({ total: 4, passed: 1, failed: 1, errors: 1, accepted: 1 });
  });

  it('a live acceptance wins over an expired one that matches too; an expired one alone is attached, not accepted', () => {
    const expired = acceptance('chain/*', { date: '2020-01-01' });
    const live = acceptance('chain/a.yaml#*', { node: '24.x' });
    const r = failed(makeScenario('bad', { file: 'chain/a.yaml' }));
    expect(isAccepted(acceptanceReview([expired, live], on('2026-01-01'))(r))).to.equal(true);
    const alone = acceptanceReview([expired], on('2026-01-01'))(r);
    expect(isAccepted(alone)).to.equal(false);
    expect(alone.acceptance?.expired).to.equal('it expired on 2020-01-01');
    expect(summarize([alone], 1, false)).to.include({ failed: 1, accepted: 0 });
  });

  it('an acceptance that matches no scenario found is reported', () => {
    const stale = acceptance('gone/*', { date: '2999-01-01' });
    expect(unmatchedAcceptances([acceptance('chain/*', { date: '2999-01-01' }), stale], ['chain/a.yaml#x'])).to.deep.equal([stale]);
  });
});
