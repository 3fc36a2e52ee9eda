/**
 * Selecting what a stack does: overrides by Node / OpenSSL / undici semver ranges (the first
 * match replaces `expect` whole), and known regressions cited in a failure that still fails.
 * Each case is a flipped pair: the same declarations on a stack they select and one they do not.
 */
import { expect } from 'chai';
import type { Expectation, KnownRegression, Observation, StackOverride, StackVersions, Verdict } from '../../harness/model/domain.js';
import { judge } from '../../harness/verdict/judge.js';
import { citeKnown, comparableVersion, describeStack, expectationOn, knownOn, stackMatches, withClientLibrary } from '../../harness/verdict/stack-expectation.js';

const node18: StackVersions = { node: '18.20.8', openssl: '3.0.15+quic' };
const node20: StackVersions = { node: '20.20.2', openssl: '3.0.19' };
const node24: StackVersions = { node: '24.11.1', openssl: '3.5.4', undici: '7.30.2' };
const legacy: StackVersions = { node: '16.20.2', openssl: '1.1.1w' };

const accept: Expectation = { outcome: 'accept' };
const refusedWeakKey: Expectation = { outcome: 'reject', category: 'weak-key', side: 'server' };
const seclevel2: StackOverride = { when: { openssl: '>=3.2' }, expect: refusedWeakKey, because: 'security level 2 by default' };
const node22only: StackOverride = { when: { node: '>=22 <23' }, expect: { outcome: 'reject' }, because: 'x' };

describe('stack-aware expectations (selection)', () => {
  it('versions as Node reports them compare: build metadata and OpenSSL patch letters are dropped', () => {
    expect(comparableVersion('3.0.15+quic')).to.equal('3.0.15');
    expect(comparableVersion('1.1.1w')).to.equal('1.1.1');
    expect(comparableVersion(undefined)).to.equal(undefined);
    expect(stackMatches({ openssl: '>=3.0.15 <3.1' }, node18)).to.equal(true);
    expect(stackMatches({ openssl: '>=3' }, legacy)).to.equal(false);
    expect(stackMatches({ openssl: '1.1.x' }, legacy)).to.equal(true);
  });

  it('every range a selector gives must match; a part the stack lacks (no undici) never matches', () => {
    expect(stackMatches({ node: '>=24', openssl: '>=3.5' }, node24)).to.equal(true);
    expect(stackMatches({ node: '>=24', openssl: '<3.5' }, node24)).to.equal(false);
    expect(stackMatches({ undici: '^7' }, node24)).to.equal(true);
    expect(stackMatches({ undici: '^7' }, node20)).to.equal(false);
    expect(stackMatches({ undici: '^6' }, node24)).to.equal(false);
  });

  it('when.library is judged against the library the client driver reported running (flipped: another version, another package, none)', () => {
    const axios1161 = withClientLibrary(node20, 'axios 1.16.1');
    const grpc = withClientLibrary(node20, '@grpc/grpc-js 1.10.0');
    const proxyBug: StackOverride = { when: { library: { axios: '>=1.16.1 <1.20' } }, expect: { outcome: 'reject', category: 'untrusted-root' }, because: 'axios #10953' };
    expect(expectationOn(accept, [proxyBug], axios1161).expect).to.deep.equal(proxyBug.expect);
    expect(expectationOn(accept, [proxyBug], withClientLibrary(node20, 'axios 1.21.1')).expect).to.equal(accept);
    expect(expectationOn(accept, [proxyBug], grpc).expect).to.equal(accept);
    expect(expectationOn(accept, [proxyBug], node20).expect).to.equal(accept);
    expect(stackMatches({ library: { '@grpc/grpc-js': '^1.10' } }, grpc)).to.equal(true);
    // every range given must match, the Node's and the library's
    expect(stackMatches({ node: '>=22', library: { axios: '<1.20' } }, axios1161)).to.equal(false);
    expect(describeStack(axios1161)).to.equal('node 20.20.2, openssl 3.0.19, axios 1.16.1');
    // a driver version that is not `<package> <version>` adds nothing
    expect(withClientLibrary(node20, undefined)).to.equal(node20);
  });

  it('the override replaces expect on the stacks it selects, and only there', () => {
    expect(expectationOn(accept, [seclevel2], node24)).to.deep.equal({ expect: refusedWeakKey, override: seclevel2 });
    expect(expectationOn(accept, [seclevel2], node20)).to.deep.equal({ expect: accept });
    expect(expectationOn(accept, undefined, node24)).to.deep.equal({ expect: accept });
  });

  it('the first matching override wins, in the order the file lists them', () => {
    const broad: StackOverride = { when: { node: '>=18' }, expect: { outcome: 'reject', category: 'expired' }, because: 'y' };
    expect(expectationOn(accept, [node22only, broad], { node: '22.21.0', openssl: '3.0.17' }).override).to.equal(node22only);
    expect(expectationOn(accept, [node22only, broad], node24).override).to.equal(broad);
    expect(expectationOn(accept, [broad, node22only], { node: '22.21.0', openssl: '3.0.17' }).override).to.equal(broad);
  });

  it('a known regression is found on its stacks only, and its citation keeps the failure a failure', () => {
    const ipv6: KnownRegression = { when: { node: '>=22.23 <22.24 || >=24.17 <24.18' }, ref: 'nodejs/node#12345', fixed: '22.24.0' };
    expect(knownOn([ipv6], { node: '22.23.0', openssl: '3.0.17' })).to.equal(ipv6);
    expect(knownOn([ipv6], { node: '24.17.1', openssl: '3.5.4' })).to.equal(ipv6);
    expect(knownOn([ipv6], { node: '22.24.0', openssl: '3.0.17' })).to.equal(undefined);
    const failed: Verdict = { status: 'failed', mismatches: [{ field: 'outcome', expected: 'accepted', actual: 'rejected' }], message: 'expected accept, got reject' };
    const cited = citeKnown(failed, ipv6);
    expect(cited.status).to.equal('failed');
    expect(cited).to.have.property('message', 'expected accept, got reject [known regression nodejs/node#12345, fixed in 22.24.0]');
    expect(citeKnown(failed, { when: { node: '>=22' }, ref: 'CVE-2099-0001' })).to.have.property('message').that.match(/CVE-2099-0001, not fixed yet\]$/);
    expect(citeKnown({ status: 'passed' }, ipv6)).to.deep.equal({ status: 'passed' });
  });
});

describe('judge: group false means no group reported (what Node 22 gives for OpenSSL 3.5\'s hybrid group)', () => {
  const accepted = (group?: string) => ({
    outcome: 'accepted', protocol: 'TLSv1.3', ...(group && { group }),
    server: {}, revocationRequests: [], revocation: [],
  }) as unknown as Observation;

  it('passes when none is reported, fails when one is, and the reverse for a named group', () => {
    expect(judge({ outcome: 'accept', group: false }, accepted()).status).to.equal('passed');
    expect(judge({ outcome: 'accept', group: false }, accepted('X25519MLKEM768'))).to.include({ status: 'failed' }).and.have.property('message').that.match(/^expected accept \(group none\)/);
    expect(judge({ outcome: 'accept', group: 'X25519' }, accepted()).status).to.equal('failed');
    expect(judge({ outcome: 'accept', group: 'X25519' }, accepted('X25519')).status).to.equal('passed');
  });
});
