/**
 * A real in-process run (engine + runner, as `tlsgate run` does it) over a slice of the built-in
 * catalogue that touches every file, plus every hostile-peer scenario: each hostile peer ends
 * with its verdict inside its own timeout and the run goes on; afterwards nothing the run opened
 * is left (no handle, timer or listening socket); while it ran, everything it listened on was a
 * loopback address (sampled from the kernel's own table every 20 ms).
 */
import { expect } from 'chai';
import type { Scenario, ScenarioResult } from '../../harness/model/domain.js';
import { builtinScenariosDir } from '../../harness/model/paths.js';
import { loadCatalogue } from '../../harness/scenario/load.js';
import { sharedCertsDir } from './support/certs-cache.js';
import { runInProcess } from './support/in-process-run.js';
import { activeResources, leftOver, settle, type ResourceCounts } from './support/resources.js';
import { canReadProc, listeningSocketsOf, type ListeningSocket } from './support/sockets.js';

const LOOPBACK = new Set(['127.0.0.1', '::1']);
/** what a scenario may take beyond its per-connection timeout: materials from the cache, server start, settling */
const SCENARIO_SLACK_MS = 1500;

/** the first scenarios of every file, and the whole robustness folder */
function representative(scenarios: readonly Scenario[], perFile: number): Scenario[] {
  const taken = new Map<string, number>();
  return scenarios.filter((s) => {
    const n = taken.get(s.file) ?? 0;
    taken.set(s.file, n + 1);
    return n < perFile || s.file.startsWith('robustness/');
  });
}

/** what this process listens on, every `ms`, until stopped */
function sampleListening(ms: number): { stop(): ListeningSocket[] } {
  const seen: ListeningSocket[] = [];
  const timer = setInterval(() => seen.push(...listeningSocketsOf('self')), ms);
  return { stop: () => { clearInterval(timer); return seen; } };
}

const title = 'a real in-process run of a catalogue slice and every hostile peer';

(canReadProc ? describe : describe.skip)(canReadProc ? title : `${title} (SKIPPED: needs /proc to see sockets)`, function () {
  this.timeout(60_000);
  let slice: Scenario[];
  let results: ScenarioResult[];
  let resourcesBefore: ResourceCounts;
  let listeningBefore: ListeningSocket[];
  let listenedOn: ListeningSocket[];

  before(async () => {
    const catalogue = await loadCatalogue([builtinScenariosDir()]);
    expect(catalogue.problems).to.deep.equal([]);
    slice = representative(catalogue.scenarios, 1);
    await settle();
    resourcesBefore = activeResources();
    listeningBefore = listeningSocketsOf('self');
    const sampler = sampleListening(20);
    ({ results } = await runInProcess(slice, { certsDir: sharedCertsDir(), concurrency: 8 }));
    listenedOn = sampler.stop();
  });

  it('every scenario passes, and each hostile peer ends inside its own timeout', () => {
    const notPassed = results.filter((r) => r.verdict.status !== 'passed').map((r) => `${r.scenario.id}: ${JSON.stringify(r.verdict)}`);
    expect(notPassed).to.deep.equal([]);
    expect(results.length).to.equal(slice.length);
    const hostile = slice.filter((s) => s.file.startsWith('robustness/'));
    expect(hostile.length).to.be.at.least(15);
    for (const s of hostile) {
      const result = results.find((r) => r.scenario.id === s.id)!;
      expect(result.durationMs, s.id).to.be.below(s.timeoutMs! + SCENARIO_SLACK_MS);
    }
  });

  it('afterwards no handle, timer or listening socket is left', async () => {
    await settle(100);
    expect(leftOver(resourcesBefore, activeResources()), 'resources the run left behind').to.deep.equal({});
    expect(listeningSocketsOf('self'), 'listening sockets after the run').to.deep.equal(listeningBefore);
  });

  it('while it ran, every listening socket was on a loopback address', () => {
    expect(listenedOn.length, 'the sampler saw the servers').to.be.above(0);
    expect([...new Set(listenedOn.map((s) => s.address))].filter((a) => !LOOPBACK.has(a)), 'non-loopback listeners').to.deep.equal([]);
  });
});
