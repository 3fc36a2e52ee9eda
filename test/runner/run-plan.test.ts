/**
 * The run's plan (harness/run/run-plan.ts) and the durations it is weighed by
 * (harness/run/duration-history.ts): each file goes to one worker, heavy work starts first, the
 * queue feeds the workers by planned time; the history survives damage and keeps what runs.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Scenario } from '../../harness/model/domain.js';
import { DurationHistory } from '../../harness/run/duration-history.js';
import { planRun } from '../../harness/run/run-plan.js';
import { makeScenario, resultFor } from './fixtures.js';

const took = (s: Scenario, durationMs: number) => resultFor(s, { status: 'passed' }, [], durationMs);

/** scenarios of `file` weighing `weights` (ms), on lines 1, 2, 3… */
const file = (name: string, ...weights: number[]): Scenario[] =>
  weights.map((w, i) => makeScenario(`${name}-${i}-${w}`, { file: `${name}.yaml`, line: i + 1 }));
const weightOf = (s: Scenario) => Number(s.name.split('-')[2]);
const names = (scenarios: readonly Scenario[]) => scenarios.map((s) => s.name);

describe('run plan', () => {
  it('each file goes to one worker, files heaviest first to the least loaded worker', () => {
    const scenarios = [...file('a', 1, 1), ...file('b', 10), ...file('c', 9), ...file('d', 8), ...file('e', 2)];
    const plan = planRun(scenarios, 2, weightOf);
    // b (10) -> 0, c (9) -> 1, d (8) -> 1 (9 < 10), e (2) -> 0 (10 < 17), a (2) -> 0 (12 < 17)
    expect(Object.fromEntries(plan.workerOfFile)).to.deep.equal({ 'b.yaml': 0, 'c.yaml': 1, 'd.yaml': 1, 'e.yaml': 0, 'a.yaml': 0 });
    expect([...plan.order].sort((x, y) => x.id.localeCompare(y.id))).to.deep.equal([...scenarios].sort((x, y) => x.id.localeCompare(y.id)));
  });

  it('in one worker: the heaviest file first, and in each file its heaviest scenario first (ties keep catalogue order)', () => {
    const plan = planRun([...file('a', 1, 1, 1), ...file('b', 1, 50, 1)], 1, weightOf);
    expect(names(plan.order)).to.deep.equal(['b-1-50', 'b-0-1', 'b-2-1', 'a-0-1', 'a-1-1', 'a-2-1']);
  });

  it('the one queue feeds each worker by planned time: a long scenario is followed by the other worker\'s short ones', () => {
    const plan = planRun([...file('long', 40), ...file('short', 10, 10, 10, 10)], 2, weightOf);
    expect(names(plan.order)).to.deep.equal(['long-0-40', 'short-0-10', 'short-1-10', 'short-2-10', 'short-3-10']);
    const flipped = planRun([...file('long', 5), ...file('short', 10, 10, 10, 10)], 2, weightOf);
    expect(names(flipped.order).slice(0, 3)).to.deep.equal(['short-0-10', 'long-0-5', 'short-1-10']);
  });

  describe('duration history', () => {
    let dir: string;
    beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'tlsgate-history-')); });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('keeps each run\'s durations, and weighs a scenario never run by its own waits', async () => {
      const quick = makeScenario('quick');
      const slow = makeScenario('slow', { then: [{ wait: 1500 }] } as Partial<Scenario>);
      const empty = DurationHistory.read(dir);
      expect([empty.size, empty.weightOf(quick) < empty.weightOf(slow)]).to.deep.equal([0, true]);
      empty.record([took(quick, 12.4), took(slow, 1730)]);
      await empty.write();
      const again = DurationHistory.read(dir);
      expect([again.weightOf(quick), again.weightOf(slow)]).to.deep.equal([12, 1730]);
    });

    it('a damaged or foreign file reads as empty, and the next write replaces it', async () => {
      const path = join(dir, 'durations.json');
      for (const text of ['{not json', JSON.stringify({ version: 99, durations: { a: 1 } }), JSON.stringify({ version: 1, durations: { a: 'x', b: -1 } })]) {
        writeFileSync(path, text);
        expect(DurationHistory.read(dir).size, text).to.equal(0);
      }
      const history = DurationHistory.read(dir);
      history.record([took(makeScenario('a'), 3)]);
      await history.write();
      expect(JSON.parse(readFileSync(path, 'utf8'))).to.deep.equal({ version: 1, durations: { 'fixtures/runner.yaml#a': 3 } });
    });
  });
});
