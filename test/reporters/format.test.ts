import { expect } from 'chai';
import { countsLine, expectedAndGot, formatDuration, formatMismatch } from '../../harness/reporters/format.js';
import { keyFields } from '../../harness/model/observation-text.js';
import { failed, makeObservation, makeScenario, rejectedObservation } from '../runner/fixtures.js';

describe('shared report formatting', () => {
  it('formats durations in ms, seconds, then minutes', () => {
    expect([0, 999, 1000, 12_340, 59_999, 61_000, 125_400].map(formatDuration))
      .to.deep.equal(['0 ms', '999 ms', '1.0 s', '12.3 s', '60.0 s', '1 min 1 s', '2 min 5 s']);
  });

  it('says expected vs got for a mismatch, with (none) for nothing and lists joined', () => {
    expect(formatMismatch({ field: 'code', expected: ['A', 'B'], actual: undefined })).to.equal('code: expected A | B, got (none)');
    expect(formatMismatch({ field: 'alpn', expected: 'h2', actual: false })).to.equal('alpn: expected h2, got false');
  });

  it('lists the key observation fields that were observed, alpn false as none', () => {
    expect(keyFields(makeObservation())).to.deep.equal([
      ['outcome', 'accepted'], ['protocol', 'TLSv1.3'], ['cipher', 'TLS_AES_256_GCM_SHA384'], ['group', 'X25519'], ['alpn', 'none'],
    ]);
    expect(keyFields(rejectedObservation()).map(([k]) => k)).to.deep.equal(['outcome', 'code', 'category', 'side']);
  });

  it('splits a failed verdict into expected and got columns', () => {
    expect(expectedAndGot(failed(makeScenario('x')))).to.deep.equal({
      expected: 'outcome: rejected; category: expired',
      got: 'outcome: accepted; category: (none)',
    });
  });

  it('counts with singular and plural', () => {
    expect(countsLine({ total: 1, passed: 1, failed: 0, skipped: 0, errors: 0, accepted: 0, durationMs: 5, interrupted: false })).to.equal('1 scenario: 1 passed, 0 failed (5 ms)');
  });
});
