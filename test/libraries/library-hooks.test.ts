/**
 * tlsgate's after-handshake checks (client.revocation: ocsp) on every kind of client driver.
 * Where the driver holds the TLS socket (node-tls, axios on its https.Agent) a revoked
 * certificate is refused as revoked. Where the library keeps its socket (pg, ioredis, ws), a
 * proxy agent tunnels it, or another stack's tool makes the connection (s_client, curl), the
 * check cannot run: the loader refuses the scenario at its line, and a driver that slips past
 * the loader (here: a loaded scenario whose driver is swapped) is still not accepted, because
 * the session turns an acceptance without the check into a configuration error.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultCertsDir } from '../../harness/model/paths.js';
import { loadScenarios } from '../../harness/scenario/load.js';
import { createEngine, type Engine } from '../../harness/session/engine.js';
import { firstObservations } from './run-yaml.js';

const REVOKED_SERVER = `
pki:
  certs:
    - { id: root, role: root, subject: "CN=tlsgate Hook Root,O=tlsgate" }
    - { id: int, role: intermediate, issuer: root, subject: "CN=tlsgate Hook Intermediate,O=tlsgate", ocsp: auto }
    - { id: revoked, role: server, issuer: int, subject: "CN=localhost", san: { dns: [localhost] }, ocsp: auto }
  revoked:
    - { cert: revoked, reason: keyCompromise }
defaults:
  server: { cert: revoked }
  client: { trust: [root], servername: localhost }
scenarios:
`;

/** written in each scenario (not in defaults), so a refusal points at that scenario's line */
const OCSP = 'revocation: { mode: ocsp, failure: hard, timeoutMs: 2000 }';

const CHECKED = `${REVOKED_SERVER}
  - { name: axios, client: { driver: axios, ${OCSP} }, expect: { outcome: reject } }
  - { name: node-tls, client: { driver: node-tls, ${OCSP} }, expect: { outcome: reject } }
`;

/** one scenario per line, so each refusal's line names its driver */
const UNCHECKABLE = [
  `  - { name: axios through a proxy, client: { driver: axios, proxy: {}, ${OCSP} }, expect: { outcome: reject } }`,
  `  - { name: got through a proxy, client: { driver: got, proxy: {}, ${OCSP} }, expect: { outcome: reject } }`,
  `  - { name: pg, server: { driver: postgres }, client: { driver: pg, ${OCSP} }, expect: { outcome: reject } }`,
  `  - { name: ioredis, server: { driver: redis }, client: { driver: ioredis, ${OCSP} }, expect: { outcome: reject } }`,
  `  - { name: ws, server: { driver: ws-echo }, client: { driver: ws, ${OCSP} }, expect: { outcome: reject } }`,
  `  - { name: openssl-s_client, client: { driver: openssl-s_client, ${OCSP} }, expect: { outcome: reject } }`,
  `  - { name: curl, client: { driver: curl, ${OCSP} }, expect: { outcome: reject } }`,
];

describe('tlsgate\'s after-handshake checks run, or the connection is not accepted', function () {
  this.timeout(60_000);
  let dir: string;
  let engine: Engine;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tlsgate-library-hooks-'));
    engine = await createEngine({ certsDir: defaultCertsDir(), timeoutMs: 5000 });
  });
  after(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a revoked server is refused as revoked by the drivers that hold the socket', async () => {
    expect(await firstObservations(engine, dir, 'checked.yaml', CHECKED)).to.deep.equal({
      'axios': 'rejected TLSGATE_OCSP_REVOKED',
      'node-tls': 'rejected TLSGATE_OCSP_REVOKED',
    });
  });

  it('the loader refuses client.revocation ocsp where the check cannot run, at each scenario\'s line, naming its driver', async () => {
    const file = join(dir, 'uncheckable.yaml');
    const text = `${REVOKED_SERVER}${UNCHECKABLE.join('\n')}\n`;
    writeFileSync(file, text);
    const { problems } = await loadScenarios([file]);
    const firstLine = text.split('\n').indexOf(UNCHECKABLE[0]!) + 1;
    expect(problems.map((p) => p.line)).to.deep.equal(UNCHECKABLE.map((_, i) => firstLine + i));
    for (const [i, p] of problems.entries()) {
      const driver = /client: \{ driver: ([\w-]+)/.exec(UNCHECKABLE[i]!)![1]!;
      expect(p.message).to.include(`the ${driver} driver cannot run`);
      expect(p.hint).to.include('node-tls');
    }
  });

  it('an acceptance without the check is a configuration error (a loaded scenario\'s driver swapped for curl past the loader)', async () => {
    const file = join(dir, 'swapped.yaml');
    writeFileSync(file, CHECKED);
    const { scenarios } = await loadScenarios([file]);
    const nodeTls = scenarios.find((s) => s.name === 'node-tls')!;
    const swapped = { ...nodeTls, client: { ...nodeTls.client, driver: 'curl' } };
    const [first] = (await engine.run(swapped, new AbortController().signal)).observations;
    expect(`${first?.outcome} ${first?.code}`).to.equal('rejected TLSGATE_CONFIG_ERROR');
    expect(first?.message).to.include('the curl driver cannot run tlsgate\'s after-handshake checks');
  });
});
