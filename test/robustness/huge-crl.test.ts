/**
 * A 10 MB CRL, as a scenario: a test-owned HTTP server on 127.0.0.1 serves 10 MB that start like
 * a DER CRL (with an honest content-length), and a scenario file written on the fly points the
 * certificates' CRL distribution points at it (the catalogue cannot: the port is chosen at run
 * time). tlsgate must stop reading at its 4 MB cap, in time, and judge by the failure policy.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenarios } from '../../harness/scenario/load.js';
import { sharedCertsDir } from './support/certs-cache.js';
import { runInProcess } from './support/in-process-run.js';

const CRL_BYTES = 10 * 1024 * 1024;
/** a DER SEQUENCE header announcing the rest: the bytes look like the start of a CRL */
const header = (length: number) => Buffer.from([0x30, 0x84, ...Buffer.from(new Uint32Array([length - 6]).buffer).reverse()]);

function scenarioFile(url: string): string {
  return `pki:
  certs:
    - { id: root, role: root, subject: "CN=tlsgate Huge CRL Root,O=tlsgate" }
    - { id: int, role: intermediate, issuer: root, subject: "CN=tlsgate Huge CRL Intermediate,O=tlsgate", crlDistributionPoints: ["${url}"] }
    - { id: leaf, role: server, issuer: int, subject: "CN=localhost", san: { dns: [localhost] }, crlDistributionPoints: ["${url}"] }
defaults:
  server: { cert: leaf }
  timeoutMs: 3000
scenarios:
  - name: a 10 MB CRL (hard fail)
    client: { revocation: { mode: crl, failure: hard, timeoutMs: 2000 } }
    expect: { outcome: reject, category: revocation-unavailable, side: client }
  - name: a 10 MB CRL (soft fail)
    client: { revocation: { mode: crl, failure: soft, timeoutMs: 2000 } }
    expect: { outcome: accept }
`;
}

describe('a 10 MB CRL (generated scenario, test-owned CRL host on 127.0.0.1)', function () {
  this.timeout(30_000);
  let server: Server;
  let dir: string;
  let requests = 0;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tlsgate-huge-crl-'));
    const body = Buffer.concat([header(CRL_BYTES), Buffer.alloc(CRL_BYTES - 6, 0x5a)]);
    server = createServer((_req, res) => {
      requests++;
      res.on('error', () => undefined);
      res.writeHead(200, { 'content-type': 'application/pkix-crl', 'content-length': body.length });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('is cut at 4 MB: hard fail refuses (revocation-unavailable), soft fail accepts with a warning, both in time', async () => {
    const file = join(dir, 'huge-crl.yaml');
    writeFileSync(file, scenarioFile(`http://127.0.0.1:${(server.address() as AddressInfo).port}/huge.crl`));
    const { scenarios, problems } = await loadScenarios([file]);
    expect(problems).to.deep.equal([]);
    const { results } = await runInProcess(scenarios, { certsDir: sharedCertsDir(), concurrency: 2 });
    for (const r of results) expect(r.verdict, r.scenario.name).to.deep.equal({ status: 'passed' });
    for (const r of results) expect(r.durationMs, r.scenario.name).to.be.below(3000);
    const [hard, soft] = results.map((r) => r.observations[0]!);
    const details = [...hard!.revocation, ...soft!.revocation].map((c) => c.detail ?? '');
    expect(details.filter((d) => d.includes('answer larger than 4194304 bytes')).length, details.join('\n')).to.be.at.least(2);
    expect(soft!.warnings.join('\n')).to.match(/soft-fail/);
    expect(requests, 'each scenario fetched the CRL').to.be.at.least(2);
  });
});
