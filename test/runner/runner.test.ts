import { expect } from 'chai';
import { getEventListeners } from 'node:events';
import type { RunSummary, Scenario, ScenarioResult } from '../../harness/model/domain.js';
import type { Reporter, RunInfo } from '../../harness/reporters/types.js';
import {
  RunInterrupted, ScenarioTimeout, describeInternalError, runSuite, scenarioDeadlineMs, type Execute,
} from '../../harness/run/runner.js';
import { errored, failed, makeScenario, numberedScenarios, passed, resultFor, sleep } from './fixtures.js';

/** records what the runner told it */
class RecordingReporter implements Reporter {
  readonly name = 'recording';
  run: RunInfo | undefined;
  seen: string[] = [];
  ended: { summary: RunSummary; results: readonly ScenarioResult[] } | undefined;
  onBegin(run: RunInfo) { this.run = run; }
  onResult(r: ScenarioResult) { this.seen.push(r.scenario.name); }
  onEnd(summary: RunSummary, results: readonly ScenarioResult[]) { this.ended = { summary, results }; }
}

const statuses = (results: readonly ScenarioResult[]) => results.map((r) => `${r.scenario.name}:${r.verdict.status}`);

describe('runner (stub execute functions: tests the runner, not TLS)', () => {
  let unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeEach(() => { unhandled = []; process.on('unhandledRejection', onUnhandled); });
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
    expect(unhandled, 'unhandled rejections').to.deep.equal([]);
  });

  it('runs every scenario once and reports results in catalogue order, whatever order they finish in', async () => {
    const scenarios = numberedScenarios(5);
    const calls: string[] = [];
    const reporter = new RecordingReporter();
    // later scenarios finish first
    const execute: Execute = async (s) => { calls.push(s.name); await sleep(5 * (6 - Number(s.name.slice(1)))); return passed(s); };
    const { results, summary } = await runSuite([...scenarios].reverse(), { execute, reporters: [reporter], timeoutMs: 1000, concurrency: 5 });
    expect([...calls].sort()).to.deep.equal(['s1', 's2', 's3', 's4', 's5']);
    expect(results.map((r) => r.scenario.name)).to.deep.equal(['s1', 's2', 's3', 's4', 's5']);
    expect(reporter.seen).to.deep.equal(['s5', 's4', 's3', 's2', 's1']);
    expect(reporter.ended?.results.map((r) => r.scenario.name)).to.deep.equal(['s1', 's2', 's3', 's4', 's5']);
    expect(summary).to.include({ total: 5, passed: 5, failed: 0, errors: 0, skipped: 0, interrupted: false });
    expect(reporter.run).to.include({ total: 5, concurrency: 5 });
  });

  it('two scenarios on one line (a YAML flow sequence) are reported by column, whichever ends first', async () => {
    // 'z' sits first on the line and its name sorts last: only the column puts it first
    const scenarios = [makeScenario('z', { line: 3, column: 12 }), makeScenario('a', { line: 3, column: 40 })];
    const execute: Execute = async (s) => { await sleep(s.name === 'z' ? 30 : 1); return passed(s); };
    for (const order of [scenarios, [...scenarios].reverse()]) {
      const reporter = new RecordingReporter();
      const { results } = await runSuite(order, { execute, reporters: [reporter], timeoutMs: 1000, concurrency: 2 });
      expect(reporter.seen, 'the order they ended in').to.deep.equal(['a', 'z']);
      expect(results.map((r) => r.scenario.name)).to.deep.equal(['z', 'a']);
    }
  });

  for (const concurrency of [1, 3]) {
    it(`never has more than ${concurrency} scenario(s) in flight with concurrency ${concurrency}`, async () => {
      let active = 0;
      let peak = 0;
      const execute: Execute = async (s) => {
        peak = Math.max(peak, ++active);
        await sleep(3);
        active--;
        return passed(s);
      };
      await runSuite(numberedScenarios(8), { execute, reporters: [], timeoutMs: 1000, concurrency });
      expect(peak).to.equal(concurrency);
    });
  }

  it('gives the same verdicts with concurrency 1, 2 and 8 (verdicts come from execute alone)', async () => {
    const scenarios = numberedScenarios(12);
    const verdictOf = (s: Scenario) => (Number(s.name.slice(1)) % 3 === 0 ? failed(s) : passed(s));
    const execute: Execute = async (s) => { await sleep(Math.floor(Math.random() * 4)); return verdictOf(s); };
    const runs = await Promise.all([1, 2, 8].map((concurrency) => runSuite(scenarios, { execute, reporters: [], timeoutMs: 1000, concurrency })));
    const [first, ...rest] = runs.map((r) => statuses(r.results));
    for (const other of rest) expect(other).to.deep.equal(first);
  });

  it('turns a scenario that never resolves into an error within its deadline, aborts its signal, and goes on', async () => {
    const [hang, ok] = numberedScenarios(2);
    let seen: AbortSignal | undefined;
    const execute: Execute = (s, signal) => {
      if (s === ok) return Promise.resolve(passed(s));
      seen = signal;
      return new Promise(() => {}); // ignores its signal: the worst case
    };
    const started = Date.now();
    const { results } = await runSuite([hang!, ok!], { execute, reporters: [], timeoutMs: 40, graceMs: 0, settleMs: 20, concurrency: 2 });
    const elapsed = Date.now() - started;
    expect(statuses(results)).to.deep.equal(['s1:error', 's2:passed']);
    const v = results[0]!.verdict;
    expect(v.status === 'error' && v.message).to.match(/did not finish within 40 ms/);
    expect(seen?.aborted).to.equal(true);
    expect(seen?.reason).to.be.instanceOf(ScenarioTimeout);
    expect(elapsed).to.be.below(40 + 20 + 150);
  });

  it('runs prepare (issuing certificates) before the deadline starts: a slow prepare does not time the scenario out', async () => {
    const [s] = numberedScenarios(1);
    const order: string[] = [];
    const prepare = async () => { order.push('prepare'); await sleep(120); order.push('prepared'); };
    const execute: Execute = (sc) => { order.push('execute'); return Promise.resolve(passed(sc)); };
    const { results } = await runSuite([s!], { execute, prepare, reporters: [], timeoutMs: 20, graceMs: 0, settleMs: 20 });
    expect(statuses(results)).to.deep.equal(['s1:passed']);
    expect(order).to.deep.equal(['prepare', 'prepared', 'execute']);
    // a failing prepare is left to execute to meet
    const failing = await runSuite([s!], { execute, prepare: () => Promise.reject(new Error('no disk')), reporters: [], timeoutMs: 20 });
    expect(statuses(failing.results)).to.deep.equal(['s1:passed']);
  });

  it('waits for an aborted scenario to clean up (up to settleMs) and keeps its observations', async () => {
    const [s] = numberedScenarios(1);
    let cleaned = false;
    const execute: Execute = (sc, signal) => new Promise((resolve) => {
      signal.addEventListener('abort', () => setTimeout(() => { cleaned = true; resolve(passed(sc)); }, 10));
    });
    const { results } = await runSuite([s!], { execute, reporters: [], timeoutMs: 20, graceMs: 0, settleMs: 500 });
    expect(cleaned).to.equal(true);
    expect(results[0]!.verdict.status).to.equal('error');
    expect(results[0]!.observations).to.have.length(1);
  });

  it('lets the engine\'s own timeout win: the deadline is timeout × connections + grace', () => {
    const plain = makeScenario('a');
    const withSteps = makeScenario('b', { timeoutMs: 300, then: [{ expect: { outcome: 'reject' } }, { expect: { outcome: 'accept' } }] });
    expect(scenarioDeadlineMs(plain, 5000, 2000)).to.equal(7000);
    expect(scenarioDeadlineMs(withSteps, 5000, 2000)).to.equal(300 * 3 + 2000);
    expect(scenarioDeadlineMs(plain, 3e9, 0), 'capped where setTimeout still works').to.equal(2 ** 31 - 1);
    const waiting = makeScenario('c', { timeoutMs: 300, then: [{ wait: 4100, expect: { outcome: 'accept' } }] });
    expect(scenarioDeadlineMs(waiting, 5000, 2000), 'a step\'s wait is time the scenario is owed').to.equal(300 * 2 + 4100 + 2000);
  });

  it('turns a throwing or rejecting execute into an internal error naming the error and where it was thrown', async () => {
    const [a, b, c] = numberedScenarios(3);
    const execute: Execute = async (s) => {
      if (s === a) throw new Error('driver exploded');
      if (s === b) return Promise.reject(new TypeError('bad plan'));
      return passed(s);
    };
    const { results, summary, internalErrors } = await runSuite([a!, b!, c!], { execute, reporters: [], timeoutMs: 1000 });
    expect(statuses(results)).to.deep.equal(['s1:error', 's2:error', 's3:passed']);
    const messages = results.map((r) => (r.verdict.status === 'error' ? r.verdict.message : ''));
    expect(messages[0]).to.match(/^internal error: Error: driver exploded \(at .*runner\.test\.[jt]s:\d+:\d+\)?\)$/);
    expect(messages[1]).to.match(/^internal error: TypeError: bad plan \(at .*runner\.test\.[jt]s:\d+:\d+\)?\)$/);
    expect(summary.errors).to.equal(2);
    expect(internalErrors.map(describeInternalError)).to.have.length(2);
    expect(describeInternalError(internalErrors[0]!)).to.match(/^scenario fixtures\/runner\.yaml#s1 \(fixtures\/runner\.yaml:10\): Error: driver exploded/);
  });

  it('ends only the scenario whose event handler or timer threw, and finishes the others', async function () {
    // mocha (and this suite's own check) fail the test on any uncaught exception or unhandled
    // rejection: step aside while the runner contains them
    const saved = [process.listeners('uncaughtException'), process.listeners('unhandledRejection')] as const;
    process.removeAllListeners('uncaughtException').removeAllListeners('unhandledRejection');
    try {
      const [a, b, c] = numberedScenarios(3);
      let cleanedUp = false;
      const execute: Execute = (s, signal) => {
        if (s === a) {
          return new Promise((resolve) => {
            setTimeout(() => { throw new TypeError('thrown in a timer'); }, 5);
            signal.addEventListener('abort', () => { cleanedUp = true; resolve(resultFor(s, { status: 'error', message: 'aborted' }, [])); });
          });
        }
        if (s === b) {
          void Promise.reject(new RangeError('nobody awaited this'));
          return sleep(20).then(() => passed(s));
        }
        return sleep(30).then(() => passed(s));
      };
      const { results, internalErrors } = await runSuite([a!, b!, c!], { execute, reporters: [], timeoutMs: 5000, concurrency: 3 });
      expect(statuses(results)).to.deep.equal(['s1:error', 's2:error', 's3:passed']);
      expect(cleanedUp, 'the faulty scenario was aborted and cleaned up').to.equal(true);
      expect(results[0]!.verdict).to.deep.include({ internal: { error: 'TypeError: thrown in a timer', at: results[0]!.verdict.status === 'error' ? results[0]!.verdict.internal?.at : '' } });
      expect(results[1]!.verdict.status === 'error' && results[1]!.verdict.message).to.match(/^internal error: RangeError: nobody awaited this \(at /);
      expect(internalErrors.map((e) => e.where)).to.deep.equal([
        'scenario fixtures/runner.yaml#s1 (fixtures/runner.yaml:10)', 'scenario fixtures/runner.yaml#s2 (fixtures/runner.yaml:20)',
      ]);
      const left = [process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')];
      expect(left, 'containment released after the run').to.deep.equal([0, 0]);
    } finally {
      for (const l of saved[0]) process.on('uncaughtException', l);
      for (const l of saved[1]) process.on('unhandledRejection', l);
    }
  });

  it('skips `skip` scenarios without running them', async () => {
    const [a, b] = numberedScenarios(2);
    const skippedOne = { ...b!, skip: 'not on OpenSSL 3.0' };
    const ran: string[] = [];
    const execute: Execute = async (s) => { ran.push(s.name); return passed(s); };
    const { results, summary } = await runSuite([a!, skippedOne], { execute, reporters: [], timeoutMs: 1000 });
    expect(ran).to.deep.equal(['s1']);
    expect(results[1]!.verdict).to.deep.equal({ status: 'skipped', reason: 'not on OpenSSL 3.0' });
    expect(summary).to.include({ total: 2, passed: 1, skipped: 1 });
  });

  it('with bail, starts nothing after the first failure (concurrency 1)', async () => {
    const scenarios = numberedScenarios(4);
    const ran: string[] = [];
    const execute: Execute = async (s) => { ran.push(s.name); return s.name === 's2' ? failed(s) : passed(s); };
    const reporter = new RecordingReporter();
    const { results, summary } = await runSuite(scenarios, { execute, reporters: [reporter], timeoutMs: 1000, concurrency: 1, bail: true });
    expect(ran).to.deep.equal(['s1', 's2']);
    expect(statuses(results)).to.deep.equal(['s1:passed', 's2:failed']);
    expect(summary).to.include({ total: 2, failed: 1, interrupted: false });
    expect(reporter.run?.total).to.equal(4);
  });

  it('review marks results before reporters see them; with bail, an accepted failure does not stop the run (the flip of the test above)', async () => {
    const scenarios = numberedScenarios(4);
    const ran: string[] = [];
    const execute: Execute = async (s) => { ran.push(s.name); return s.name === 's2' ? failed(s) : passed(s); };
    const acceptance = { scenario: 's2', reason: 'known', expires: '2999-01-01', source: 'tlsgate.config.yaml:2' };
    const review = (r: ScenarioResult): ScenarioResult => (r.verdict.status === 'failed' ? { ...r, acceptance } : r);
    const reporter = new RecordingReporter();
    const { summary } = await runSuite(scenarios, { execute, reporters: [reporter], timeoutMs: 1000, concurrency: 1, bail: true, review });
    expect(ran).to.deep.equal(['s1', 's2', 's3', 's4']);
    expect(summary).to.include({ total: 4, passed: 3, failed: 0, accepted: 1 });
    expect(reporter.ended?.results.find((r) => r.scenario.name === 's2')?.acceptance).to.deep.equal(acceptance);
  });

  it('with bail, lets already-running scenarios finish unaborted after an error', async () => {
    const [a, b, c] = numberedScenarios(3);
    let slowSignal: AbortSignal | undefined;
    const execute: Execute = async (s, signal) => {
      if (s === a) { await sleep(1); return errored(s); }
      slowSignal = signal;
      await sleep(30);
      return passed(s);
    };
    const { results } = await runSuite([a!, b!, c!], { execute, reporters: [], timeoutMs: 1000, concurrency: 2, bail: true });
    expect(statuses(results)).to.deep.equal(['s1:error', 's2:passed']);
    expect(slowSignal?.aborted).to.equal(false);
  });

  it('on interruption aborts running scenarios, leaves them out, reports interrupted with what finished', async () => {
    const scenarios = numberedScenarios(5);
    const run = new AbortController();
    const cleanedUp: string[] = [];
    const execute: Execute = (s, signal) => {
      if (s.name === 's1') return Promise.resolve(passed(s));
      if (s.name === 's2') { setTimeout(() => run.abort(new RunInterrupted('SIGINT')), 5); }
      return new Promise((resolve) => signal.addEventListener('abort', () => {
        cleanedUp.push(s.name);
        resolve(resultFor(s, { status: 'error', message: 'aborted' }, []));
      }));
    };
    const reporter = new RecordingReporter();
    const { results, summary } = await runSuite(scenarios, { execute, reporters: [reporter], timeoutMs: 5000, concurrency: 2, signal: run.signal });
    expect(statuses(results)).to.deep.equal(['s1:passed']);
    expect(summary).to.include({ total: 1, passed: 1, interrupted: true });
    expect(reporter.ended?.summary.interrupted).to.equal(true);
    expect(reporter.ended?.results).to.have.length(1);
    expect(cleanedUp.sort()).to.deep.equal(['s2', 's3']);
    expect(getEventListeners(run.signal, 'abort'), 'listeners left on the run signal').to.have.length(0);
  });

  it('runs nothing when the run signal is already aborted', async () => {
    const ran: string[] = [];
    const execute: Execute = async (s) => { ran.push(s.name); return passed(s); };
    const { summary } = await runSuite(numberedScenarios(3), { execute, reporters: [], timeoutMs: 1000, signal: AbortSignal.abort() });
    expect(ran).to.deep.equal([]);
    expect(summary).to.include({ total: 0, interrupted: true });
  });

  it('leaves no listener on the run signal and no timer behind after a normal run', async () => {
    const run = new AbortController();
    await sleep(0); // mocha arms its own test timer once this function has returned its promise
    const timersBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    await runSuite(numberedScenarios(3), { execute: async (s) => passed(s), reporters: [], timeoutMs: 60_000, signal: run.signal });
    expect(getEventListeners(run.signal, 'abort')).to.have.length(0);
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).to.equal(timersBefore);
  });

  it('still runs every scenario and ends every reporter when one throws, and names it once in internalErrors', async () => {
    const broken: Reporter = { name: 'broken', onResult() { throw new Error('disk full'); }, onEnd() { throw new Error('still full'); } };
    const good = new RecordingReporter();
    const { results, internalErrors } = await runSuite(numberedScenarios(2), { execute: async (s) => passed(s), reporters: [broken, good], timeoutMs: 1000 });
    expect(statuses(results)).to.deep.equal(['s1:passed', 's2:passed']);
    expect(good.seen).to.have.length(2);
    expect(good.ended?.results).to.have.length(2);
    expect(internalErrors.map(describeInternalError)).to.have.length(1);
    expect(describeInternalError(internalErrors[0]!)).to.match(/^the broken reporter: Error: disk full \(at .*runner\.test/);
  });
});
