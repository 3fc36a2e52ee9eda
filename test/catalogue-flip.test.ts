/**
 * No catalogue scenario is green for the wrong reason: with its first expectation's outcome
 * flipped (accept <-> reject, nothing else; in its `stacks` overrides too), every scenario that runs must fail.
 */
import { expect } from 'chai';
import { createEngine, type Engine } from '../harness/session/engine.js';
import type { Scenario } from '../harness/model/domain.js';
import { builtinScenariosDir, defaultCertsDir } from '../harness/model/paths.js';
import { loadScenarios } from '../harness/scenario/load.js';

const flip = (outcome: 'accept' | 'reject') => (outcome === 'accept' ? 'reject' : 'accept');

/** the outcome flipped in expect and in every stacks override, so the flip holds on any Node */
const flipped = (s: Scenario): Scenario => ({
  ...s,
  id: `${s.id} (flipped)`,
  expect: { outcome: flip(s.expect.outcome) },
  ...(s.stacks && { stacks: s.stacks.map((o) => ({ ...o, expect: { outcome: flip(o.expect.outcome) } })) }),
});

describe('built-in catalogue: every scenario fails with its outcome flipped (real handshakes)', function () {
  this.timeout(180_000);
  let engine: Engine;
  // the project's own material cache, as `tlsgate run` uses it: keys are generated once
  before(async () => { engine = await createEngine({ certsDir: defaultCertsDir(), timeoutMs: 5000 }); });
  after(() => engine.close());

  it('no flipped scenario passes', async () => {
    const { scenarios, problems } = await loadScenarios([builtinScenariosDir()]);
    expect(problems).to.deep.equal([]);
    const signal = new AbortController().signal;
    const stillGreen: string[] = [];
    let ran = 0;
    // a few at a time: the catalogue's own timeouts are short, and order must not matter
    for (let i = 0; i < scenarios.length; i += 4) {
      const results = await Promise.all(scenarios.slice(i, i + 4).map((s) => engine.run(flipped(s), signal)));
      for (const r of results) {
        if (r.verdict.status === 'skipped') continue;
        ran++;
        if (r.verdict.status === 'passed') stillGreen.push(r.scenario.id);
      }
    }
    expect(stillGreen).to.deep.equal([]);
    expect(ran).to.be.above(150);
  });
});
