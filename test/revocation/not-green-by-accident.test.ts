/**
 * Every revocation scenario that expects a failure to be tolerated or refused must change its
 * verdict when the reason for it goes away: remove the fault (hard-fail scenarios) or flip the
 * policy (soft-fail ones). A scenario that stays green either way proves nothing.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, type Engine } from '../../harness/session/engine.js';
import type { Scenario } from '../../harness/model/domain.js';
import { builtinScenariosDir } from '../../harness/model/paths.js';
import { loadScenarios } from '../../harness/scenario/load.js';

/** hard-fail scenarios whose faults make them fail, soft-fail ones that tolerate an outage */
function counterpart(s: Scenario): { change: string; scenario: Scenario } | undefined {
  const revocation = s.client.revocation;
  if (!revocation || revocation.mode === 'none') return undefined;
  if (revocation.failure === 'soft' && s.expect.outcome === 'accept' && (s.faults?.length || s.server.cert.startsWith('dead-') || s.server.staple === 'none')) {
    return { change: 'policy flipped to hard', scenario: { ...s, client: { ...s.client, revocation: { ...revocation, failure: 'hard' } } } };
  }
  if (revocation.failure === 'hard' && s.faults?.length && !s.then?.length) {
    const { faults: _faults, ...rest } = s;
    return { change: 'faults removed', scenario: rest };
  }
  return undefined;
}

describe('revocation catalogue: no scenario is green by accident (real handshakes)', function () {
  this.timeout(120_000);
  let engine: Engine;
  let certs: string;
  let pairs: Array<{ original: Scenario; change: string; scenario: Scenario }> = [];

  before(async () => {
    certs = mkdtempSync(join(tmpdir(), 'tlsgate-flip-'));
    engine = await createEngine({ certsDir: certs, timeoutMs: 2000 });
    const { scenarios, problems } = await loadScenarios([join(builtinScenariosDir(), 'revocation')]);
    expect(problems).to.deep.equal([]);
    pairs = scenarios.flatMap((original) => {
      const c = counterpart(original);
      return c ? [{ original, ...c }] : [];
    });
  });
  after(async () => {
    await engine.close();
    rmSync(certs, { recursive: true, force: true });
  });

  it('covers every fault kind and both policies', () => {
    const kinds = new Set(pairs.flatMap((p) => (p.original.faults ?? []).map((f) => f.fault.kind)));
    expect([...kinds]).to.include.members(['delay', 'hang', 'http-status', 'garbage', 'truncate', 'stale', 'future', 'wrong-key', 'signer-without-eku', 'certid-mismatch', 'nonce-mismatch', 'unknown-status', 'ocsp-status']);
    expect(pairs.some((p) => p.change === 'policy flipped to hard')).to.equal(true);
    expect(pairs.length).to.be.at.least(30);
  });

  it('each original passes and its counterpart fails', async () => {
    const moved: string[] = [];
    const stuck: string[] = [];
    for (const p of pairs) {
      const signal = new AbortController().signal;
      const [before, after] = [await engine.run(p.original, signal), await engine.run({ ...p.scenario, id: `${p.scenario.id} (${p.change})` }, signal)];
      expect(before.verdict.status, `${p.original.id}: ${JSON.stringify(before.verdict)}`).to.equal('passed');
      (after.verdict.status === 'failed' ? moved : stuck).push(`${p.original.id} [${p.change}] -> ${after.verdict.status}`);
    }
    expect(stuck, 'these stay green when their reason is gone').to.deep.equal([]);
    expect(moved.length).to.equal(pairs.length);
  });
});
