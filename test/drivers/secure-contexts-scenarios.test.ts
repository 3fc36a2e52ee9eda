/**
 * Shared client secure contexts seen from scenarios: a scenario whose trust differs from a
 * previous one with the same client identity is still refused, and so is a `retrust` step after
 * an accepted connection, for every Node client driver. The scenarios run in order in this thread,
 * so the contexts of the earlier ones are in the cache when the later ones connect (checked by its
 * hit counter); a stale context would accept and fail the run.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientContexts } from '../../harness/drivers/portable/node/secure-contexts.js';
import { loadScenarios } from '../../harness/scenario/load.js';
import { createEngine, type Engine } from '../../harness/session/engine.js';

const DRIVERS = ['node-tls', 'node-https', 'undici'];

const scenariosFor = (driver: string): string => `
  - name: ${driver} trusted
    client: { driver: ${driver}, trust: [root] }
    expect: { outcome: accept, clientCert: { presented: true, authorized: true } }
  - name: ${driver} same identity, other trust
    client: { driver: ${driver}, trust: [other-root] }
    expect: { outcome: reject, category: untrusted-root, side: client }
  - name: ${driver} trusted, then the trust taken away and given back
    client: { driver: ${driver}, trust: [root] }
    expect: { outcome: accept }
    then:
      - retrust: [other-root]
        expect: { outcome: reject, category: untrusted-root, side: client }
      - retrust: [root]
        expect: { outcome: accept }`;

const FILE = `
pki:
  certs:
    - { id: root, role: root, subject: "CN=tlsgate context test root" }
    - { id: other-root, role: root, subject: "CN=tlsgate context test other root" }
    - { id: server, role: server, issuer: root, subject: "CN=localhost", san: { dns: [localhost] } }
    - { id: client, role: client, issuer: root, subject: "CN=tlsgate context test client" }
defaults:
  server: { cert: server, clientCert: require, clientCa: [root] }
  client: { identity: client }
scenarios:${DRIVERS.map(scenariosFor).join('')}
`;

describe('shared client secure contexts under scenarios (no stale trust)', function () {
  this.timeout(120_000);
  let dir: string;
  let engine: Engine;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tlsgate-contexts-'));
    engine = await createEngine({ certsDir: join(dir, 'certs'), timeoutMs: 5000 });
  });
  after(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a trust that differs from an earlier connection with the same identity, whatever the cache holds', async () => {
    writeFileSync(join(dir, 'contexts.yaml'), FILE);
    const { scenarios, problems } = await loadScenarios([join(dir, 'contexts.yaml')]);
    expect(problems).to.deep.equal([]);
    expect(scenarios).to.have.length(3 * DRIVERS.length);
    const hits = clientContexts.hits;
    const signal = new AbortController().signal;
    const verdicts: string[] = [];
    for (const scenario of scenarios) {
      const r = await engine.run(scenario, signal);
      verdicts.push(`${scenario.name}: ${r.verdict.status} ${r.observations.map((o) => o.code ?? o.outcome).join(', ')}`);
    }
    expect(verdicts.filter((v) => !/: passed /.test(v)), verdicts.join('\n')).to.deep.equal([]);
    // per driver: the third scenario's first and last connections find the first one's context
    expect(clientContexts.hits - hits).to.be.at.least(2 * DRIVERS.length);
  });
});
