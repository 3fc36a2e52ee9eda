/**
 * The protocol libraries' scenarios (pg, mysql2, ioredis, nodemailer against tlsgate's postgres,
 * mysql, redis, smtp and smtps servers) are green with the pinned releases, and none is green by
 * accident: with its outcome flipped (accept <-> reject, nothing else) every one fails.
 */
import { expect } from 'chai';
import type { Scenario } from '../../harness/model/domain.js';
import { defaultCertsDir } from '../../harness/model/paths.js';
import { createEngine, type Engine } from '../../harness/session/engine.js';
import { libraryScenarios, PROTOCOL_LIBRARIES } from './library-scenarios.js';

const flip = (outcome: 'accept' | 'reject') => (outcome === 'accept' ? 'reject' : 'accept');
const flipped = (s: Scenario): Scenario => ({ ...s, id: `${s.id} (flipped)`, expect: { outcome: flip(s.expect.outcome) } });

describe('protocol libraries: pg, mysql2, ioredis, nodemailer against tlsgate\'s protocol servers', function () {
  this.timeout(120_000);
  let engine: Engine;
  const signal = new AbortController().signal;
  before(async () => { engine = await createEngine({ certsDir: defaultCertsDir(), timeoutMs: 5000 }); });
  after(() => engine.close());

  for (const library of PROTOCOL_LIBRARIES) {
    it(`${library}: every scenario passes, and fails with its outcome flipped`, async () => {
      const scenarios = await libraryScenarios(library);
      expect(scenarios.length).to.be.at.least(10);
      const summary = async (list: Scenario[]) => {
        const results = [];
        for (const s of list) results.push(await engine.run(s, signal));
        return results.map((r) => `${r.verdict.status}: ${r.scenario.id}${r.verdict.status === 'passed' ? '' : ` ${JSON.stringify(r.verdict).slice(0, 300)}`}`);
      };
      const normal = await summary(scenarios);
      expect(normal.filter((line) => !line.startsWith('passed')), 'scenarios not passing').to.deep.equal([]);
      const flips = await summary(scenarios.map(flipped));
      expect(flips.filter((line) => !line.startsWith('failed')), 'flipped scenarios not failing').to.deep.equal([]);
    });
  }
});
