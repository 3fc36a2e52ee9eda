/** The drift classifier, the gate policy and the baseline file format, on hand-made snapshots. */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BaselineError, readBaseline, writeBaseline } from '../../harness/baseline/baseline-file.js';
import { compareBaselines, compareConnection, compareScenario } from '../../harness/baseline/drift.js';
import { failuresAgainst } from '../../harness/baseline/failures.js';
import { DEFAULT_POLICY, driftPolicy, fatalChanges, shownChanges } from '../../harness/baseline/policy.js';
import { renderDriftMarkdown, renderDriftText } from '../../harness/baseline/render.js';
import {
  BASELINE_FORMAT, baselineOf, connectionSnapshot, serializeBaseline, type Baseline, type ConnectionSnapshot, type ScenarioSnapshot,
} from '../../harness/baseline/snapshot.js';
import { UsageError } from '../../harness/model/errors.js';
import { makeObservation, makeScenario, rejectedObservation, resultFor } from '../runner/fixtures.js';

const accepted = (over: Partial<ConnectionSnapshot> = {}): ConnectionSnapshot => ({
  outcome: 'accepted', protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', group: 'X25519', alpn: false, revocationChecked: [], ...over,
});
const rejected = (over: Partial<ConnectionSnapshot> = {}): ConnectionSnapshot => ({
  outcome: 'rejected', code: 'CERT_HAS_EXPIRED', category: 'expired', side: 'client', revocationChecked: [], ...over,
});
const scenario = (...connections: ConnectionSnapshot[]): ScenarioSnapshot => ({ verdict: 'passed', connections });
const baseline = (scenarios: Record<string, ScenarioSnapshot>): Baseline => ({ format: BASELINE_FORMAT, scenarios });

describe('drift classifier', () => {
  it('rejected -> accepted is a security regression', () => {
    expect(compareConnection(rejected(), accepted())).to.deep.include({ kind: 'security-regression' });
  });

  it('revocation no longer asked is a security regression, even when both connections were accepted (crl mode -> none)', () => {
    const change = compareConnection(accepted({ revocationChecked: ['crl'] }), accepted());
    expect(change?.kind).to.equal('security-regression');
    expect(change?.summary).to.match(/revocation no longer checked: crl/);
    expect(compareConnection(rejected({ revocationChecked: ['ocsp', 'staple'] }), rejected({ revocationChecked: ['ocsp'] }))?.kind).to.equal('security-regression');
  });

  it('accepted -> rejected is an availability regression, naming category and code', () => {
    const change = compareConnection(accepted(), rejected({ category: 'weak-key', code: 'ERR_SSL_EE_KEY_TOO_SMALL' }));
    expect(change).to.deep.equal({ kind: 'availability-regression', summary: 'was accepted, now rejected (weak-key, ERR_SSL_EE_KEY_TOO_SMALL)' });
  });

  it('still rejected with another code, category or side is an error change', () => {
    const change = compareConnection(rejected(), rejected({ code: 'UNSPECIFIED', side: 'server' }));
    expect(change).to.deep.equal({ kind: 'error-changed', summary: 'code CERT_HAS_EXPIRED -> UNSPECIFIED, side client -> server' });
  });

  it('still accepted with another protocol, cipher, group or ALPN is a negotiation change', () => {
    expect(compareConnection(accepted(), accepted({ group: 'X25519MLKEM768' }))).to.deep.equal({ kind: 'negotiation-changed', summary: 'group X25519 -> X25519MLKEM768' });
    expect(compareConnection(accepted({ alpn: 'h2' }), accepted({ alpn: false }))?.summary).to.equal('alpn h2 -> none');
  });

  it('a revocation source asked now and not before is reported, not fatal', () => {
    expect(compareConnection(accepted(), accepted({ revocationChecked: ['ocsp'] }))).to.deep.equal({ kind: 'negotiation-changed', summary: 'revocation now also asks ocsp' });
  });

  it('identical connections are no change; fields of the other outcome are not compared', () => {
    expect(compareConnection(accepted(), accepted())).to.equal(undefined);
    expect(compareConnection(rejected(), rejected())).to.equal(undefined);
  });

  it('scenarios added, removed, newly skipped or newly observed', () => {
    expect(compareScenario('a', undefined, scenario(accepted()))).to.deep.equal([{ id: 'a', kind: 'added', summary: 'new scenario' }]);
    expect(compareScenario('a', scenario(accepted()), undefined)).to.deep.equal([{ id: 'a', kind: 'removed', summary: 'scenario no longer in the catalogue' }]);
    expect(compareScenario('a', scenario(accepted()), { verdict: 'skipped', connections: [] })[0]).to.include({ kind: 'removed', summary: 'no longer observed: now skipped' });
    expect(compareScenario('a', { verdict: 'skipped', connections: [] }, scenario(accepted()))[0]).to.include({ kind: 'added', summary: 'observed now (was skipped)' });
    expect(compareScenario('a', { verdict: 'skipped', connections: [] }, { verdict: 'error', connections: [] })).to.deep.equal([]);
  });

  it('numbers the connection of a multi-connection scenario', () => {
    const changes = compareScenario('lifecycle', scenario(accepted(), rejected({ category: 'revoked' })), scenario(accepted(), accepted()));
    expect(changes).to.have.length(1);
    expect(changes[0]).to.include({ kind: 'security-regression', connection: 2 });
  });

  it('a partial run (filters) does not report unselected scenarios as removed', () => {
    const before = baseline({ a: scenario(accepted()), b: scenario(accepted()) });
    const after = baseline({ a: scenario(accepted()) });
    expect(compareBaselines(before, after).changes.map((c) => c.kind)).to.deep.equal(['removed']);
    expect(compareBaselines(before, after, { partial: true }).changes).to.deep.equal([]);
  });

  it('a partial run given the catalogue reports the baseline scenarios gone from it, and only those (shard 1)', () => {
    const before = baseline({ a: scenario(accepted()), b: scenario(accepted()), gone: scenario(accepted()) });
    const after = baseline({ a: scenario(accepted()) });
    const drift = compareBaselines(before, after, { partial: true, catalogue: ['a', 'b'] });
    expect(drift.changes.map((c) => `${c.kind} ${c.id}`)).to.deep.equal(['removed gone']);
  });

  it('failing scenarios: as recorded (same verdict and failure), changed, or new; a baseline without failure lines matches on the verdict', () => {
    const failed = (id: string, field: string) => resultFor(makeScenario(id, { file: 'f' }), { status: 'failed', message: 'm', mismatches: [{ field, expected: 'x', actual: undefined }] });
    const recorded = baselineOf([failed('same', 'category'), failed('changed', 'category'), resultFor(makeScenario('new', { file: 'f' }), { status: 'passed' })]);
    expect(recorded.scenarios['f#same']!.failure).to.deep.equal(['category: expected "x", got null']);
    const legacy: ScenarioSnapshot = { verdict: 'failed', connections: [] };
    const f = failuresAgainst({ ...recorded, scenarios: { ...recorded.scenarios, 'f#legacy': legacy } }, [failed('same', 'category'), failed('changed', 'code'), failed('new', 'code'), failed('legacy', 'code')]);
    expect(f.asRecorded.map((n) => n.id)).to.deep.equal(['f#same', 'f#legacy']);
    expect(f.unexpected.map((n) => `${n.id} (${n.was})`)).to.deep.equal(['f#changed (failed: category: expected "x", got null)', 'f#new (passed)']);
  });

  it('stack changes list inventory lines that differ, never as gating changes', () => {
    const stack = (openssl: string) => ({ versions: { node: 'v1', openssl }, defaults: { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3', ciphers: 'x', ecdhCurve: 'auto' }, securityLevel: { effective: '1' as const, loadsRsa512: false, loadsRsa1024: true, loadsRsa2048: true, loadsSha1: false, loadsMd5: false }, rootStore: { count: 1, sha256: 'h' }, fips: false, trustFlags: [] });
    const drift = compareBaselines({ ...baseline({}), stack: stack('3.0.19') }, { ...baseline({}), stack: stack('3.5.8') });
    expect(drift.stack).to.deep.equal([{ key: 'versions.openssl', before: '3.0.19', after: '3.5.8' }]);
    expect(fatalChanges(drift, DEFAULT_POLICY)).to.deep.equal([]);
  });
});

describe('drift policy', () => {
  const drift = compareBaselines(
    baseline({ sec: scenario(rejected()), neg: scenario(accepted()), err: scenario(rejected()) }),
    baseline({ sec: scenario(accepted()), neg: scenario(accepted({ protocol: 'TLSv1.2' })), err: scenario(rejected({ code: 'X' })) }),
  );
  const kinds = (list: { kind: string }[]) => list.map((c) => c.kind).sort();

  it('by default only the two regressions are fatal; everything is shown', () => {
    expect(kinds(fatalChanges(drift, DEFAULT_POLICY))).to.deep.equal(['security-regression']);
    expect(kinds(shownChanges(drift, DEFAULT_POLICY))).to.deep.equal(['error-changed', 'negotiation-changed', 'security-regression']);
  });

  it('--fail-on makes a class fatal; --ignore hides it and never fails on it (even a regression)', () => {
    const policy = driftPolicy(['error-changed,negotiation-changed'], ['security-regression']);
    expect(kinds(fatalChanges(drift, policy))).to.deep.equal(['error-changed', 'negotiation-changed']);
    expect(kinds(shownChanges(drift, policy))).to.deep.equal(['error-changed', 'negotiation-changed']);
  });

  it('an unknown class, or a class both fatal and ignored, is bad input naming the flag', () => {
    expect(() => driftPolicy(['securty-regression'], [])).to.throw(UsageError, /--fail-on securty-regression: unknown drift class; use one of: security-regression/);
    expect(() => driftPolicy(['added'], ['added'])).to.throw(UsageError, /both --fail-on and --ignore/);
  });

  it('text and Markdown name the scenario, the class and whether it fails the gate; large groups fold', () => {
    const text = renderDriftText(drift, DEFAULT_POLICY, 'base.json');
    expect(text).to.match(/^drift against base\.json: 3 changes, 1 fails the gate/);
    expect(text).to.match(/Security regressions \(1\): fails the gate\n {4}sec: was rejected \(expired, CERT_HAS_EXPIRED\), now accepted/);
    const markdown = renderDriftMarkdown(drift, DEFAULT_POLICY, 'tlsgate drift');
    expect(markdown).to.include('### Security regressions (1) :x: fails the gate');
    expect(markdown).to.include('| sec | rejected expired CERT_HAS_EXPIRED (client) | accepted TLSv1.3 TLS_AES_256_GCM_SHA384 X25519 | was rejected (expired, CERT_HAS_EXPIRED), now accepted |');
    const many = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`s${i}`, scenario(accepted())]));
    const moved = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`s${i}`, scenario(accepted({ group: 'X25519MLKEM768' }))]));
    const grouped = compareBaselines(baseline(many), baseline(moved));
    const text7 = renderDriftText(grouped, DEFAULT_POLICY, 'b');
    expect(text7).to.include('drift against b: 7 changes in 1 finding, none fails the gate');
    expect(text7).to.include('  Negotiation changed (7)\n    group X25519 -> X25519MLKEM768: 7 scenarios\n      s0\n      s1\n');
    expect(text7.match(/group X25519 -> X25519MLKEM768/g)).to.have.length(1);
    expect(renderDriftMarkdown(grouped, DEFAULT_POLICY, 't')).to.match(/<details><summary>7 scenarios<\/summary>s0<br>s1<br>s2<br>s3<br>s4<br>s5<br>s6<\/details> .* \*\*group X25519 -> X25519MLKEM768\*\* \(7\) \|/);
  });
});

describe('baseline files', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'tlsgate-baseline-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('snapshots what is compared: outcome-specific fields and the revocation sources asked', () => {
    const obs = makeObservation({ revocationRequests: [{ server: 'ocsp', path: '/x', serials: ['1'], answer: 'good' }] });
    expect(connectionSnapshot(obs)).to.deep.include({ outcome: 'accepted', revocationChecked: ['ocsp'] });
    const refused = connectionSnapshot(rejectedObservation({ category: 'revoked' }));
    expect(refused).to.not.have.any.keys('protocol', 'cipher', 'group');
    expect(refused).to.include({ outcome: 'rejected', category: 'revoked' });
  });

  it('is stable text: sorted ids, one line per scenario, no timestamps or durations; reads back equal', async () => {
    const results = [resultFor(makeScenario('zeta'), { status: 'passed' }), resultFor(makeScenario('alpha'), { status: 'skipped', reason: 'x' }, [])];
    const b = baselineOf(results);
    const text = serializeBaseline(b);
    const lines = text.split('\n');
    expect(lines[1]).to.equal(`  "format": "${BASELINE_FORMAT}",`);
    expect(lines.findIndex((l) => l.includes('alpha'))).to.be.below(lines.findIndex((l) => l.includes('zeta')));
    expect(text).to.not.match(/\d{4}-\d\d-\d\dT|durationMs|totalMs|handshakeMs/);
    const file = join(dir, 'b.json');
    await writeBaseline(file, b);
    expect(serializeBaseline(await readBaseline(file))).to.equal(text);
    expect(serializeBaseline(baselineOf([...results].reverse()))).to.equal(text);
  });

  it('a missing, broken or foreign file is bad input naming the file and the fix', async () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "format": ');
    const foreign = join(dir, 'foreign.json');
    writeFileSync(foreign, JSON.stringify({ format: 'tlsgate-baseline/0', scenarios: {} }));
    const badEntry = join(dir, 'bad-entry.json');
    writeFileSync(badEntry, JSON.stringify({ format: BASELINE_FORMAT, scenarios: { a: { verdict: 'maybe', connections: [] } } }));
    const cases: Array<[string, RegExp]> = [
      [join(dir, 'missing.json'), /cannot read it \(no such file\); record one first with `tlsgate run --update-baseline/],
      [broken, /not a tlsgate baseline \(not JSON/],
      [foreign, /format "tlsgate-baseline\/0" is not "tlsgate-baseline\/1"/],
      [badEntry, /scenario "a": verdict "maybe"/],
    ];
    for (const [file, message] of cases) {
      const err = await readBaseline(file).then(() => undefined, (e: unknown) => e);
      expect(err, file).to.be.instanceOf(BaselineError).and.instanceOf(UsageError);
      expect((err as Error).message).to.include(file).and.match(message);
    }
    expect(readFileSync(foreign, 'utf8')).to.include('baseline/0');
  });
});
