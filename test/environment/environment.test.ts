/**
 * Scenarios whose client trust comes from the process environment: the loader reads
 * `client.environment`, and each distinct environment gets its own long-lived worker, shared by
 * the scenarios that ask for it.
 */
import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientEnvironmentRuntime, opensslConfig } from '../../harness/drivers/remote/remote-environment.js';
import { localPlacement, thisNode } from '../../harness/drivers/remote/remote-placement.js';
import { createEngine } from '../../harness/session/engine.js';
import { builtinScenariosDir } from '../../harness/model/paths.js';
import { runSuite } from '../../harness/run/runner.js';
import { loadScenarios } from '../../harness/scenario/load.js';
import { formatProblem } from '../../harness/scenario/problems.js';
import { ROOT } from '../cli/spawn.js';

const fixture = (name: string) => join(ROOT, 'test', 'environment', 'fixtures', name);

describe('client.environment: loading', () => {
  it('reads every field, merges it from the defaults (a scenario\'s replaces the default whole)', async () => {
    const { scenarios, problems } = await loadScenarios([fixture('environments.yaml')]);
    expect(problems).to.deep.equal([]);
    const byName = new Map(scenarios.map((s) => [s.name, s.client.environment]));
    expect(byName.get('from the defaults')).to.deep.equal({ extraCaCerts: ['root'] });
    expect(byName.get('every field')).to.deep.equal({ extraCaCerts: ['root'], sslCertFile: ['root'], opensslSecurityLevel: 2, nodeFlags: ['--use-openssl-ca', '--tls-min-v1.0'] });
    expect(byName.get('a clean process')).to.deep.equal({});
  });

  it('an unknown certificate, a level out of range and an unknown flag are problems at their place', async () => {
    const { problems } = await loadScenarios([fixture('bad-environment.yaml')]);
    const lines = problems.map((p) => formatProblem(p));
    expect(lines.some((l) => /scenarios\[0\]\.client\.environment\.extraCaCerts\[0\] +unknown certificate 'roots' +\(did you mean root\?/.test(l)), lines.join('\n')).to.equal(true);
    expect(lines.some((l) => /client\.environment\.opensslSecurityLevel/.test(l)), lines.join('\n')).to.equal(true);
    expect(lines.some((l) => /client\.environment\.nodeFlags\[0\]/.test(l)), lines.join('\n')).to.equal(true);
  });
});

describe('client.environment: workers', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'tlsgate-env-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('starts the worker with exactly the named environment, none of the harness\'s trust variables, files named by content', () => {
    const base = { ...thisNode(), env: { ...process.env, NODE_EXTRA_CA_CERTS: '/harness/own.pem', NODE_OPTIONS: '--use-openssl-ca', PATH: '/bin' } };
    const environment = { sslCertFile: { ids: ['root'], pem: 'PEM of root\n' }, opensslSecurityLevel: 2 as const, nodeFlags: ['--use-openssl-ca'] };
    const spec = clientEnvironmentRuntime(base, environment, dir);
    expect(spec.env.NODE_EXTRA_CA_CERTS).to.equal(undefined);
    expect(spec.env.NODE_OPTIONS).to.equal(undefined);
    expect(spec.env.PATH).to.equal('/bin');
    expect(readFileSync(spec.env.SSL_CERT_FILE!, 'utf8')).to.equal('PEM of root\n');
    expect(readFileSync(spec.env.OPENSSL_CONF!, 'utf8')).to.equal(opensslConfig(2)).and.include('CipherString = DEFAULT@SECLEVEL=2');
    expect(spec.execArgv).to.deep.equal(['--use-openssl-ca']);
    expect(spec.label).to.match(/SSL_CERT_FILE=root OPENSSL_CONF=SECLEVEL=2 --use-openssl-ca$/);
    const again = clientEnvironmentRuntime(base, environment, dir);
    expect(again.env).to.deep.equal(spec.env);
  });

  it('the catalogue file runs green; one worker per distinct environment, shared, all gone after close', async () => {
    const { scenarios, problems } = await loadScenarios([join(builtinScenariosDir(), 'environment', 'trust-from-env.yaml')]);
    expect(problems).to.deep.equal([]);
    const distinct = new Set(scenarios.map((s) => JSON.stringify(s.client.environment)));
    const placement = localPlacement();
    const engine = await createEngine({ certsDir: join(dir, 'certs'), timeoutMs: 5000, placement });
    let pids: number[];
    try {
      const { results } = await runSuite(scenarios, { execute: (s, signal) => engine.run(s, signal), reporters: [], timeoutMs: 5000, concurrency: 4 });
      expect(results.map((r) => `${r.scenario.name}: ${r.verdict.status}`)).to.deep.equal(scenarios.map((s) => `${s.name}: passed`));
      pids = await placement.workerPids();
      expect(pids).to.have.length(distinct.size);
      expect(scenarios.length).to.be.above(distinct.size);
    } finally {
      await engine.close();
    }
    for (const pid of pids) expect(() => process.kill(pid, 0), `worker ${pid} still running`).to.throw();
    expect(existsSync(dir)).to.equal(true);
  });
});
