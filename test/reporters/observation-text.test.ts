import { expect } from 'chai';
import { describeObservation, formatObservation } from '../../harness/model/observation-text.js';
import { makeObservation, rejectedObservation } from '../runner/fixtures.js';

/** the two views of an observation, pinned as users read them (verdict messages; report lines) */
describe('observation text: prose and key=value', () => {
  it('prose: what an accepted connection negotiated, leaving out what is absent or false', () => {
    expect(describeObservation(makeObservation())).to.equal('accepted (TLSv1.3, TLS_AES_256_GCM_SHA384, group X25519)');
    expect(describeObservation(makeObservation({ alpn: 'h2', group: '' }))).to.equal('accepted (TLSv1.3, TLS_AES_256_GCM_SHA384, alpn h2)');
    const { protocol: _p, cipher: _c, group: _g, alpn: _a, ...bare } = makeObservation();
    expect(describeObservation(bare)).to.equal('accepted');
  });

  it('prose: who refused and why, the message quoted and cut at 120 characters', () => {
    expect(describeObservation(rejectedObservation())).to.equal('rejected (category expired, code CERT_HAS_EXPIRED, side client, "certificate has expired")');
    const { code: _code, ...noCode } = rejectedObservation({ message: 'x'.repeat(200) });
    const long = describeObservation(noCode);
    expect(long).to.equal(`rejected (category expired, side client, "${'x'.repeat(119)}…")`);
    expect(describeObservation(rejectedObservation({ protocol: 'TLSv1.3' }))).to.not.include('TLSv1.3');
  });

  it('key=value: every key field observed, in one order, alpn false as none', () => {
    expect(formatObservation(makeObservation({ alpn: false }))).to.equal('outcome=accepted protocol=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 group=X25519 alpn=none');
    expect(formatObservation(rejectedObservation())).to.equal('outcome=rejected code=CERT_HAS_EXPIRED category=expired side=client');
  });
});
