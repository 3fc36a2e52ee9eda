/**
 * The oracle for tlsgate's protocol servers: every pg, mysql2, ioredis and nodemailer scenario
 * runs twice, against tlsgate's small server and against the real product from Debian's
 * packages (PostgreSQL, MariaDB, Redis, Exim; test/libraries/real-servers/), started per
 * scenario on a free loopback port with the same certificates and client-certificate policy.
 * Both must give the same verdict (pass or fail) and the same observed outcome and category.
 * A missing package skips its library, naming the Debian package to install.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Scenario } from '../../harness/model/domain.js';
import { defaultCertsDir } from '../../harness/model/paths.js';
import { createEngine, type Engine } from '../../harness/session/engine.js';
import { libraryScenarios } from './library-scenarios.js';
import { binaries as eximBinaries } from './real-servers/real-exim.js';
import { binaries as mariadbBinaries } from './real-servers/real-mariadb.js';
import { binaries as postgresBinaries } from './real-servers/real-postgres.js';
import { binaries as redisBinaries } from './real-servers/real-redis.js';
import { missingPackages, type Binary } from './real-servers/real-server-kit.js';

const realServer = (module: string) => join(fileURLToPath(new URL('./real-servers/', import.meta.url)), `${module}.js`);

/** tlsgate's server driver -> the real server's driver module */
const REAL: Record<string, string> = {
  postgres: realServer('real-postgres'),
  mysql: realServer('real-mariadb'),
  redis: realServer('real-redis'),
  smtp: realServer('real-exim'),
  smtps: realServer('real-exim-smtps'),
};

const ORACLES: Array<{ library: string; product: string; binaries: Binary[] }> = [
  { library: 'pg', product: 'PostgreSQL', binaries: postgresBinaries },
  { library: 'mysql2', product: 'MariaDB', binaries: mariadbBinaries },
  { library: 'ioredis', product: 'Redis', binaries: redisBinaries },
  { library: 'nodemailer', product: 'Exim', binaries: eximBinaries },
];

const onRealServer = (s: Scenario): Scenario => ({ ...s, id: `${s.id} (real server)`, server: { ...s.server, driver: REAL[s.server.driver] ?? s.server.driver } });

describe('protocol servers agree with the real servers from Debian packages (oracle)', function () {
  this.timeout(600_000);
  let engine: Engine;
  const signal = new AbortController().signal;
  before(async () => { engine = await createEngine({ certsDir: defaultCertsDir(), timeoutMs: 8000 }); });
  after(() => engine?.close());

  for (const { library, product, binaries } of ORACLES) {
    const missing = missingPackages(binaries);
    const title = `${library}: the same verdicts against tlsgate's server and ${product}`;
    it(missing.length ? `${title} (skipped: install Debian package ${missing.join(', ')})` : title, async function () {
      if (missing.length) return this.skip();
      const verdict = async (s: Scenario) => {
        const r = await engine.run(s, signal);
        const o = r.observations[0];
        return { verdict: `${r.verdict.status} ${o?.outcome} ${o?.category ?? '-'}`, detail: JSON.stringify({ code: o?.code, message: o?.message, verdict: r.verdict }).slice(0, 400) };
      };
      const differences: string[] = [];
      for (const s of await libraryScenarios(library)) {
        expect(REAL[s.server.driver], `${s.id}: no real server for ${s.server.driver}`).to.be.a('string');
        const [small, real] = [await verdict(s), await verdict(onRealServer(s))];
        if (small.verdict !== real.verdict) differences.push(`${s.id}: tlsgate's server ${small.verdict}, ${product} ${real.verdict} (${real.detail})`);
      }
      expect(differences).to.deep.equal([]);
    });
  }
});
