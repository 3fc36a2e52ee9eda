/**
 * Declared stack differences: drift between two stacks that each scenario's own `stacks` entries
 * explain is `declared` (shown with the `because`, not fatal); anything they do not explain keeps
 * its class. Flipped cases: an override that does not select the other stack, a field the
 * declaration does not cover, a side that failed its own expectation.
 */
import { expect } from 'chai';
import { declarationsBetween, declaringScenarios, stackVersionsOf } from '../../harness/baseline/declarations.js';
import { compareBaselines } from '../../harness/baseline/drift.js';
import { DEFAULT_POLICY, fatalChanges } from '../../harness/baseline/policy.js';
import { renderDriftText } from '../../harness/baseline/render.js';
import { BASELINE_FORMAT, type Baseline, type ConnectionSnapshot, type ScenarioSnapshot } from '../../harness/baseline/snapshot.js';
import type { StackOverride } from '../../harness/model/domain.js';
import { makeScenario } from '../runner/fixtures.js';

const accepted = (over: Partial<ConnectionSnapshot> = {}): ConnectionSnapshot => ({
  outcome: 'accepted', protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', group: 'X25519', alpn: false, revocationChecked: [], ...over,
});
const weakKey: ConnectionSnapshot = { outcome: 'rejected', code: 'ERR_SSL_EE_KEY_TOO_SMALL', category: 'weak-key', side: 'server', revocationChecked: [] };

const onNode = (node: string, openssl: string, scenarios: Record<string, ScenarioSnapshot>): Baseline => ({
  format: BASELINE_FORMAT,
  stack: { versions: { node: `v${node}`, openssl, platform: 'linux-x64' } } as unknown as NonNullable<Baseline["stack"]>,
  scenarios,
});
const passed = (c: ConnectionSnapshot): ScenarioSnapshot => ({ verdict: 'passed', connections: [c] });

const RSA1024_ON_24: StackOverride = {
  when: { node: '>=24' }, expect: { outcome: 'reject', category: 'weak-key' }, because: 'Node 24 raises the default security level to 2',
};
const rsa1024 = makeScenario('rsa-1024 leaf', { expect: { outcome: 'accept' }, stacks: [RSA1024_ON_24] });
const ID = rsa1024.id;

function drift(scenario = rsa1024, before = onNode('22.23.5', '3.5.4', { [ID]: passed(accepted()) }), after = onNode('24.17.0', '3.5.4', { [ID]: passed(weakKey) })) {
  const declared = declarationsBetween(declaringScenarios([scenario]), before, after);
  return compareBaselines(before, after, declared ? { declared } : {});
}

describe('declared stack differences in drift', () => {
  it('a flip each side declared (22 accepts by default, 24 refuses by its stacks entry) is declared, with the because, and not fatal', () => {
    const d = drift();
    expect(d.changes).to.have.length(1);
    expect(d.changes[0]).to.deep.include({ kind: 'declared', declared: { was: 'availability-regression', because: [RSA1024_ON_24.because] } });
    expect(d.changes[0]!.summary).to.match(/^was accepted, now rejected \(weak-key, ERR_SSL_EE_KEY_TOO_SMALL\) \(declared: Node 24 raises/);
    expect(fatalChanges(d, DEFAULT_POLICY)).to.deep.equal([]);
    expect(renderDriftText(d, DEFAULT_POLICY, 'node 22 -> node 24')).to.match(/none fails the gate[\s\S]*Declared stack differences/);
  });

  it('the same flip without a declaration selecting the later stack stays a fatal availability regression (flipped)', () => {
    const narrow = makeScenario('rsa-1024 leaf', { expect: { outcome: 'accept' }, stacks: [{ ...RSA1024_ON_24, when: { node: '>=25' } }] });
    const d = drift(narrow);
    expect(d.changes.map((c) => c.kind)).to.deep.equal(['availability-regression']);
    expect(fatalChanges(d, DEFAULT_POLICY)).to.have.length(1);
    expect(drift(makeScenario('rsa-1024 leaf')).changes.map((c) => c.kind)).to.deep.equal(['availability-regression']);
  });

  it('a side that failed its own expectation declares nothing: the change keeps its class', () => {
    const failed: ScenarioSnapshot = { verdict: 'failed', connections: [weakKey], failure: ['outcome: expected "accept", got "reject"'] };
    const d = drift(rsa1024, undefined, onNode('24.17.0', '3.5.4', { [ID]: failed }));
    expect(d.changes.map((c) => c.kind)).to.deep.equal(['availability-regression']);
  });

  it('a moved field the declarations do not differ in keeps its class (group declared, cipher not)', () => {
    const groups = makeScenario('default group', {
      expect: { outcome: 'accept', group: 'X25519' },
      stacks: [{ when: { node: '>=24' }, expect: { outcome: 'accept', group: 'X25519MLKEM768' }, because: 'OpenSSL 3.5 prefers the hybrid group' }],
    });
    const before = onNode('22.23.5', '3.5.4', { [groups.id]: passed(accepted()) });
    const onlyGroup = drift(groups, before, onNode('24.17.0', '3.5.4', { [groups.id]: passed(accepted({ group: 'X25519MLKEM768' })) }));
    expect(onlyGroup.changes.map((c) => c.kind)).to.deep.equal(['declared']);
    const alsoCipher = drift(groups, before, onNode('24.17.0', '3.5.4', { [groups.id]: passed(accepted({ group: 'X25519MLKEM768', cipher: 'TLS_AES_128_GCM_SHA256' })) }));
    expect(alsoCipher.changes.map((c) => c.kind)).to.deep.equal(['negotiation-changed']);
  });

  it('a baseline recorded on another stack: the scenario as it is now selects each side (README step 5)', () => {
    const d = drift(rsa1024, onNode('20.20.2', '3.0.19', { [ID]: passed(accepted()) }));
    expect(d.changes.map((c) => c.kind)).to.deep.equal(['declared']);
    // a baseline without its stack (older files) cannot tell: the regression stays
    const bare: Baseline = { format: BASELINE_FORMAT, scenarios: { [ID]: passed(accepted()) } };
    expect(drift(rsa1024, bare).changes.map((c) => c.kind)).to.deep.equal(['availability-regression']);
  });

  it('reads the stack versions a baseline records (Node with its v, undici with its source)', () => {
    const stack = { versions: { node: 'v24.17.0', openssl: '3.5.4', 'undici (undici driver)': '7.16.0 (tlsgate)' } } as unknown as NonNullable<Baseline["stack"]>;
    expect(stackVersionsOf(stack)).to.deep.equal({ node: '24.17.0', openssl: '3.5.4', undici: '7.16.0', libraries: { undici: '7.16.0' } });
    expect(stackVersionsOf(undefined)).to.equal(undefined);
  });

  it('a when.library entry declares the difference between two copies of a library (matrix --package; flipped: a range neither copy is in)', () => {
    const onPg = (version: string, c: ConnectionSnapshot): Baseline => {
      const b = onNode('22.23.5', '3.5.4', { [ID]: passed(c) });
      return { ...b, stack: { versions: { ...b.stack!.versions, 'pg (library driver)': `${version} (override)` } } as unknown as NonNullable<Baseline['stack']> };
    };
    const onNewPg = (range: string) => makeScenario('rsa-1024 leaf', {
      expect: { outcome: 'accept' }, stacks: [{ when: { library: { pg: range } }, expect: { outcome: 'reject', category: 'weak-key' }, because: 'pg 8.23 checks the key' }],
    });
    expect(drift(onNewPg('>=8.23'), onPg('8.0.3', accepted()), onPg('8.23.1', weakKey)).changes.map((c) => c.kind)).to.deep.equal(['declared']);
    expect(drift(onNewPg('>=9'), onPg('8.0.3', accepted()), onPg('8.23.1', weakKey)).changes.map((c) => c.kind)).to.deep.equal(['availability-regression']);
  });
});
