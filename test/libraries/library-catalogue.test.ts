/**
 * scenarios/libraries: every library driver's scenarios are green on this machine with the
 * libraries' pinned releases (none skipped: they are tlsgate's devDependencies), and none is
 * green by accident: with its outcome flipped (as test/catalogue-flip.test.ts does for the
 * whole catalogue, which includes these files) every one fails.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { createEngine, type Engine } from '../../harness/session/engine.js';
import type { Scenario, ScenarioResult } from '../../harness/model/domain.js';
import { builtinScenariosDir, defaultCertsDir } from '../../harness/model/paths.js';
import { loadScenarios } from '../../harness/scenario/load.js';

const flip = (outcome: 'accept' | 'reject') => (outcome === 'accept' ? 'reject' : 'accept');
const flipped = (s: Scenario): Scenario => ({ ...s, id: `${s.id} (flipped)`, expect: { outcome: flip(s.expect.outcome) } });
const LIBRARIES = ['axios', 'got', 'node-fetch', 'ws', 'grpc-js'];
/** the file is relative to the folder loaded (scenarios/libraries) */
const ofLibrary = (s: Scenario, library: string): boolean => s.file.split('/').pop() === `${library}.yaml`;

describe('scenarios/libraries: green with the pinned releases, red when flipped (real handshakes)', function () {
  this.timeout(180_000);
  let engine: Engine;
  let scenarios: Scenario[];
  before(async () => {
    engine = await createEngine({ certsDir: defaultCertsDir(), timeoutMs: 5000 });
    const loaded = await loadScenarios([join(builtinScenariosDir(), 'libraries')]);
    expect(loaded.problems).to.deep.equal([]);
    scenarios = loaded.scenarios;
  });
  after(() => engine.close());

  const runAll = async (list: Scenario[]): Promise<ScenarioResult[]> => {
    const signal = new AbortController().signal;
    const results: ScenarioResult[] = [];
    for (let i = 0; i < list.length; i += 4) results.push(...await Promise.all(list.slice(i, i + 4).map((s) => engine.run(s, signal))));
    return results;
  };

  it('has a file per HTTP-family library, each scenario naming the report it guards against', () => {
    for (const library of LIBRARIES) expect(scenarios.filter((s) => ofLibrary(s, library)), library).to.have.length.above(10);
    for (const s of scenarios) expect(s.description, s.id).to.match(/Guards against|Records/);
  });

  it('every scenario passes, none skipped', async () => {
    const results = await runAll(scenarios.filter((s) => LIBRARIES.some((l) => ofLibrary(s, l))));
    const notPassed = results.filter((r) => r.verdict.status !== 'passed').map((r) => `${r.scenario.id}: ${JSON.stringify(r.verdict)}`);
    expect(notPassed).to.deep.equal([]);
  });

  it('every scenario fails with its outcome flipped', async () => {
    const results = await runAll(scenarios.filter((s) => LIBRARIES.some((l) => ofLibrary(s, l))).map(flipped));
    const stillGreen = results.filter((r) => r.verdict.status !== 'failed').map((r) => `${r.scenario.id}: ${r.verdict.status}`);
    expect(stillGreen).to.deep.equal([]);
  });
});
