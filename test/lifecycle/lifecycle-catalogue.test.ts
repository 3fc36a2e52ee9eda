/**
 * scenarios/lifecycle/: every scenario passes, four at a time, and none is green by accident: with any ONE connection's outcome flipped (the
 * first, or any `then` step; catalogue-flip.test.ts flips only the first), it fails. The
 * catalogue's waits stay under 5 s in all, and a scenario that waits is tagged `slow`.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { createEngine, type Engine } from '../../harness/session/engine.js';
import type { Expectation, Scenario } from '../../harness/model/domain.js';
import { builtinScenariosDir, defaultCertsDir } from '../../harness/model/paths.js';
import { loadScenarios } from '../../harness/scenario/load.js';

const flip = (e: Expectation): Expectation => ({ outcome: e.outcome === 'accept' ? 'reject' : 'accept' });

/** the scenario with connection `k` (0 = the first) expecting the other outcome, nothing else */
function flippedAt(s: Scenario, k: number): Scenario {
  if (k === 0) {
    const { stacks: _stacks, ...rest } = s;
    return { ...rest, id: `${s.id} (flipped 1)`, expect: flip(s.expect) };
  }
  const then = s.then!.map((step, i) => {
    if (i !== k - 1) return step;
    const { stacks: _stacks, ...rest } = step;
    return { ...rest, expect: flip(step.expect) };
  });
  return { ...s, id: `${s.id} (flipped ${k + 1})`, then };
}

const totalWait = (s: Scenario) => (s.then ?? []).reduce((sum, step) => sum + (step.wait ?? 0), 0);

describe('lifecycle catalogue (real handshakes over time)', function () {
  this.timeout(120_000);
  let engine: Engine;
  let lifecycle: Scenario[];
  const signal = new AbortController().signal;

  before(async () => {
    engine = await createEngine({ certsDir: defaultCertsDir(), timeoutMs: 5000 });
    const loaded = await loadScenarios([join(builtinScenariosDir(), 'lifecycle')]);
    expect(loaded.problems).to.deep.equal([]);
    lifecycle = loaded.scenarios;
  });
  after(() => engine.close());

  it('covers the issue\'s cases, each saying which failure it guards against', () => {
    expect(lifecycle.length).to.be.at.least(15);
    for (const s of lifecycle) expect(s.description, s.id).to.match(/guards against|records|the same/i);
    const steps = lifecycle.flatMap((s) => s.then ?? []);
    expect(steps.some((t) => t.connection === 'reuse')).to.equal(true);
    expect(steps.some((t) => t.rotate?.cert)).to.equal(true);
    expect(steps.some((t) => t.rotate?.identity)).to.equal(true);
    expect(steps.some((t) => t.retrust)).to.equal(true);
    expect(steps.some((t) => t.wait)).to.equal(true);
    expect(steps.some((t) => t.resume && t.rotate)).to.equal(true);
  });

  it('waits under 5 s in the whole catalogue, and every scenario that waits is tagged slow', async () => {
    const { scenarios } = await loadScenarios([builtinScenariosDir()]);
    const waiting = scenarios.filter((s) => totalWait(s) > 0);
    expect(waiting.map((s) => s.id).filter((id) => !scenarios.find((s) => s.id === id)!.tags.includes('slow'))).to.deep.equal([]);
    expect(scenarios.reduce((sum, s) => sum + totalWait(s), 0)).to.be.below(5000);
  });

  it('every scenario passes, four at a time (as the catalogue flip runs them)', async () => {
    const results = [];
    for (let i = 0; i < lifecycle.length; i += 4) results.push(...await Promise.all(lifecycle.slice(i, i + 4).map((s) => engine.run(s, signal))));
    const notPassed = results.filter((r) => r.verdict.status !== 'passed').map((r) => `${r.scenario.id}: ${JSON.stringify(r.verdict)}`);
    expect(notPassed).to.deep.equal([]);
  });

  it('a client driver that keeps no connections alive skips a scenario that reuses one, saying why', async () => {
    const pooled = lifecycle.find((s) => s.then?.some((t) => t.connection === 'reuse'))!;
    const result = await engine.run({ ...pooled, client: { ...pooled.client, driver: 'node-tls' } }, signal);
    expect(result.verdict).to.deep.include({ status: 'skipped' });
    expect((result.verdict as { reason: string }).reason).to.match(/node-tls' keeps no connections alive.*node-https or undici/);
  });

  it('every connection of every scenario matters: flipping any one outcome fails the scenario', async () => {
    const variants = lifecycle.flatMap((s) => [0, ...(s.then ?? []).map((_, i) => i + 1)].map((k) => flippedAt(s, k)));
    // a few at a time: the slow ones wait, the others need not queue behind them
    const stillGreen: string[] = [];
    for (let i = 0; i < variants.length; i += 4) {
      const results = await Promise.all(variants.slice(i, i + 4).map((v) => engine.run(v, signal)));
      for (const r of results) if (r.verdict.status !== 'failed') stillGreen.push(`${r.scenario.id}: ${r.verdict.status}`);
    }
    expect(stillGreen).to.deep.equal([]);
    expect(variants.length).to.be.at.least(40);
  });
});
