/**
 * Bring your own PKI, revocation included, on a PKI made with the openssl CLI alone
 * (openssl-made-pki.ts). Its own CRL, served by tlsgate at the URL in its certificates (a host
 * that does not resolve), refuses the revoked leaf; with the CA's key, tlsgate's own CRL and
 * OCSP refuse it in every mode; and `openssl verify -crl_check_all` and `openssl ocsp` agree
 * with what tlsgate signs with the team's key.
 */
import { expect } from 'chai';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RevocationServers } from '../../ca/servers/revocation-servers.js';
import type { Observation, ScenarioResult } from '../../harness/model/domain.js';
import { createEngine } from '../../harness/session/engine.js';
import { loadPemFiles, ScenarioMaterials } from '../../harness/session/scenario-materials.js';
import { attachScenarioPki } from '../../harness/session/session-pki.js';
import { loadScenarios } from '../../harness/scenario/load.js';
import { openssl } from '../ca/helpers.js';
import { CRL_URL, makeOpensslPki, OCSP_URL } from './openssl-made-pki.js';

const OWN_CRL = `
pki:
  files:
    root: { cert: root.pem, crl: root.crl }
    api: { cert: api.pem, key: api.key }
    revoked: { cert: revoked.pem, key: revoked.key }
defaults:
  client: { trust: [root], servername: api.acme.example, revocation: { mode: crl, failure: hard, timeoutMs: 3000 } }
scenarios:
  - name: own CRL, revoked leaf
    server: { cert: revoked }
    expect: { outcome: reject, category: revoked, revocationChecked: [crl] }
  - name: own CRL, good leaf
    server: { cert: api }
    expect: { outcome: accept, revocationChecked: [crl] }
`;

const WITH_KEY = `
pki:
  files:
    root: { cert: root.pem, key: root.key }
    api: { cert: api.pem, key: api.key }
    revoked: { cert: revoked.pem, key: revoked.key }
  revoked:
    - { cert: revoked, reason: keyCompromise }
defaults:
  server: { cert: revoked }
  client: { trust: [root], servername: api.acme.example }
scenarios:
  - name: crl
    client: { revocation: { mode: crl, failure: hard, timeoutMs: 3000 } }
    expect: { outcome: reject, category: revoked, revocationChecked: [crl] }
  - name: ocsp
    client: { revocation: { mode: ocsp, failure: hard, timeoutMs: 3000 } }
    expect: { outcome: reject, category: revoked, revocationChecked: [ocsp] }
  - name: ocsp-stapled
    server: { staple: responder }
    client: { revocation: { mode: ocsp-stapled, failure: hard, timeoutMs: 3000 } }
    expect: { outcome: reject, category: revoked, revocationChecked: [ocsp] }
  - name: ocsp-then-crl
    client: { revocation: { mode: ocsp-then-crl, failure: hard, timeoutMs: 3000 } }
    expect: { outcome: reject, category: revoked, revocationChecked: [ocsp] }
  - name: server-side crl
    server: { cert: api, clientCert: require, clientCa: [root], crl: [root] }
    client: { identity: revoked }
    expect: { outcome: reject, revocationChecked: [crl] }
  - name: good leaf, ocsp
    server: { cert: api }
    client: { revocation: { mode: ocsp, failure: hard, timeoutMs: 3000 } }
    expect: { outcome: accept, revocationChecked: [ocsp] }
  - name: then revoke a files leaf
    server: { cert: api }
    client: { revocation: { mode: ocsp, failure: hard, timeoutMs: 3000 } }
    expect: { outcome: accept }
    then:
      - revoke: [api]
        expect: { outcome: reject, category: revoked }
`;

describe('your own PKI (made with the openssl CLI): your CRL, your CA key, tlsgate routes your URLs', function () {
  this.timeout(120_000);
  let dir: string;
  const results = new Map<string, ScenarioResult>();

  before(async () => {
    dir = await makeOpensslPki();
    writeFileSync(join(dir, 'own-crl.yaml'), OWN_CRL);
    writeFileSync(join(dir, 'with-key.yaml'), WITH_KEY);
    const { scenarios, problems } = await loadScenarios([join(dir, 'own-crl.yaml'), join(dir, 'with-key.yaml')]);
    expect(problems).to.deep.equal([]);
    const engine = await createEngine({ certsDir: join(dir, 'certs'), timeoutMs: 5000 });
    try {
      for (const s of scenarios) results.set(`${s.file}#${s.name}`, await engine.run(s, new AbortController().signal));
    } finally {
      await engine.close();
    }
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const passed = (id: string): Observation[] => {
    const r = results.get(id)!;
    expect(r.verdict, id).to.deep.equal({ status: 'passed' });
    return r.observations;
  };

  it('the team\'s own CRL, served as-is at the URL in its certificate, refuses the revoked leaf in crl mode', () => {
    const [obs] = passed('own-crl.yaml#own CRL, revoked leaf');
    expect(obs!.code).to.equal('CERT_REVOKED');
    // the observation names the leaf's serial, the URL in the certificate, and what the CRL says
    expect(obs!.revocation.map((c) => [c.serial, c.url, c.result])).to.deep.equal([['1001', CRL_URL, 'revoked']]);
    expect(obs!.revocationRequests.map((q) => q.server)).to.deep.equal(['crl']);
    const [good] = passed('own-crl.yaml#own CRL, good leaf');
    expect(good!.revocation.map((c) => [c.serial, c.result])).to.deep.equal([['1000', 'good']]);
  });

  for (const mode of ['crl', 'ocsp', 'ocsp-stapled', 'ocsp-then-crl', 'server-side crl']) {
    it(`with the CA key, tlsgate signs as the team's CA: ${mode} refuses the revoked leaf`, () => {
      const [obs] = passed(`with-key.yaml#${mode}`);
      expect(obs!.outcome).to.equal('rejected');
    });
  }
  it('the good leaf is accepted over OCSP, and `then: revoke` revokes a files leaf', () => {
    passed('with-key.yaml#good leaf, ocsp');
    const [before, after] = passed('with-key.yaml#then revoke a files leaf');
    expect([before!.outcome, after!.outcome]).to.deep.equal(['accepted', 'rejected']);
  });

  it('openssl verify -crl_check_all and openssl ocsp agree with the CRL and OCSP answers tlsgate signs with the team\'s key', async () => {
    const { scenarios } = await loadScenarios([join(dir, 'with-key.yaml')]);
    const files = await loadPemFiles(scenarios[0]!.pemFiles);
    const m = new ScenarioMaterials(undefined, files.certs, files.crls);
    const servers = await RevocationServers.start();
    const pki = attachScenarioPki(servers, 'oracle', m, scenarios[0]!);
    try {
      const crl = await (await fetch(`${pki.endpoints.crlUrl('root')}?format=pem`)).text();
      writeFileSync(join(dir, 'tlsgate.crl'), crl);
      const verify = (leaf: string) => openssl(['verify', '-crl_check_all', '-CAfile', 'root.pem', '-CRLfile', 'tlsgate.crl', leaf], { cwd: dir });
      const [revoked, good] = [await verify('revoked.pem'), await verify('api.pem')];
      expect(revoked.code, revoked.output).to.not.equal(0);
      expect(revoked.output).to.match(/certificate revoked/);
      expect(good.code, good.output).to.equal(0);
      const ocsp = (leaf: string) => openssl(['ocsp', '-issuer', 'root.pem', '-cert', leaf, '-url', pki.endpoints.ocspUrl('root'), '-CAfile', 'root.pem'], { cwd: dir });
      const [r, g] = [await ocsp('revoked.pem'), await ocsp('api.pem')];
      expect(r.output).to.match(/Response verify OK/);
      expect(r.output).to.match(/revoked.pem: revoked/);
      expect(g.output).to.match(/api.pem: good/);
    } finally {
      pki.detach();
      await servers.close();
    }
    // the routes: the leaf names an OCSP host of its own, which tlsgate maps to its responder
    expect(OCSP_URL).to.match(/acme\.example/);
  });
});
