/**
 * `issuer: <files id>`: generated certificates issued by a team's real test intermediate (made
 * with the openssl CLI, its key under pki.files). A client trusting the team's root accepts the
 * fresh leaf and `openssl verify -CAfile root -untrusted int` agrees; a client trusting another
 * root refuses it; revoked, it is refused over CRL and OCSP signed with the team's key; a
 * keyless or non-CA files issuer is exit 2 at file:line.
 */
import { expect } from 'chai';
import { X509Certificate } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RevocationServers } from '../../ca/servers/revocation-servers.js';
import type { Observation, ScenarioResult } from '../../harness/model/domain.js';
import { createEngine } from '../../harness/session/engine.js';
import { loadPemFiles } from '../../harness/session/scenario-materials.js';
import { issueScenarioPki } from '../../harness/session/session-pki.js';
import { loadScenarios } from '../../harness/scenario/load.js';
import { tlsgate } from '../cli/spawn.js';
import { openssl } from '../ca/helpers.js';
import { addOpensslIntermediate, INT_KEY_ID, makeOpensslPki } from './openssl-made-pki.js';

/** a host that does not resolve: only tlsgate's routing reaches it */
const TEAM_CRL_URL = 'http://crl.acme.example/int.crl';

const FRESH = `
pki:
  files:
    root: { cert: root.pem, key: root.key }
    int: { cert: int.pem, key: int.key }
    other-root: { cert: other-root.pem }
  certs:
    - { id: fresh, role: server, issuer: int, subject: "CN=fresh.acme.example", san: { dns: [fresh.acme.example] }, crlDistributionPoints: auto, ocsp: auto }
    - { id: fresh-revoked, role: server, issuer: int, subject: "CN=fresh.acme.example", san: { dns: [fresh.acme.example] }, crlDistributionPoints: auto, ocsp: auto }
    - { id: fresh-client, role: client, issuer: int, subject: "CN=acme client" }
    - { id: team-url, role: server, issuer: int, subject: "CN=fresh.acme.example", san: { dns: [fresh.acme.example] }, crlDistributionPoints: ["${TEAM_CRL_URL}"] }
  revoked:
    - { cert: fresh-revoked, reason: keyCompromise }
    - { cert: team-url, reason: superseded }
defaults:
  server: { cert: fresh }
  client: { trust: [root], servername: fresh.acme.example }
scenarios:
  - name: a client trusting the team's root accepts the fresh leaf
    expect: { outcome: accept }
  - name: a client trusting another root refuses it
    client: { trust: [other-root] }
    expect: { outcome: reject, side: client }
  - name: crl refuses the revoked fresh leaf
    server: { cert: fresh-revoked }
    client: { revocation: { mode: crl, failure: hard, timeoutMs: 3000 } }
    expect: { outcome: reject, category: revoked, revocationChecked: [crl] }
  - name: ocsp refuses the revoked fresh leaf
    server: { cert: fresh-revoked }
    client: { revocation: { mode: ocsp, failure: hard, timeoutMs: 3000 } }
    expect: { outcome: reject, category: revoked, revocationChecked: [ocsp] }
  - name: ocsp accepts the good fresh leaf, then it is revoked
    client: { revocation: { mode: ocsp, failure: hard, timeoutMs: 3000 } }
    expect: { outcome: accept, revocationChecked: [ocsp] }
    then:
      - revoke: [fresh]
        expect: { outcome: reject, category: revoked }
  - name: the team's CRL URL in a fresh leaf reaches tlsgate's CRL of the team's intermediate
    server: { cert: team-url }
    client: { revocation: { mode: crl, failure: hard, timeoutMs: 3000 } }
    expect: { outcome: reject, category: revoked, revocationChecked: [crl] }
  - name: mTLS with a fresh client certificate of the team's intermediate
    server: { clientCert: require, clientCa: [root] }
    client: { identity: fresh-client }
    expect: { outcome: accept, clientCert: { presented: true, authorized: true } }
`;

const BAD_ISSUERS = `pki:
  files:
    int: { cert: int.pem }
    api: { cert: api.pem, key: api.key }
  certs:
    - { id: a, role: server, issuer: int, subject: "CN=a" }
    - { id: b, role: server, issuer: api, subject: "CN=b" }
scenarios:
  - name: never runs
    server: { cert: a }
    client: { trust: [int] }
    expect: { outcome: accept }
`;

describe('pki.certs issuer: <files id>: fresh certificates from a team\'s real intermediate', function () {
  this.timeout(120_000);
  let dir: string;
  const results = new Map<string, ScenarioResult>();

  before(async () => {
    dir = await makeOpensslPki();
    await addOpensslIntermediate(dir);
    writeFileSync(join(dir, 'fresh.yaml'), FRESH);
    writeFileSync(join(dir, 'bad-issuers.yaml'), BAD_ISSUERS);
    const { scenarios, problems } = await loadScenarios([join(dir, 'fresh.yaml')]);
    expect(problems).to.deep.equal([]);
    const engine = await createEngine({ certsDir: join(dir, 'certs'), timeoutMs: 5000 });
    try {
      for (const s of scenarios) results.set(s.name, await engine.run(s, new AbortController().signal));
    } finally {
      await engine.close();
    }
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const passed = (name: string): Observation[] => {
    const r = results.get(name)!;
    expect(r.verdict, `${name}: ${JSON.stringify(r.observations.map((o) => [o.outcome, o.code, o.category]))}`).to.deep.equal({ status: 'passed' });
    return r.observations;
  };

  it('a client trusting the team\'s root accepts the fresh leaf (sent with the team\'s intermediate); one trusting another root refuses it', () => {
    const [accepted] = passed('a client trusting the team\'s root accepts the fresh leaf');
    expect(accepted!.outcome).to.equal('accepted');
    const [refused] = passed('a client trusting another root refuses it');
    expect(refused!.outcome).to.equal('rejected');
  });

  it('openssl verify -CAfile root -untrusted int accepts the fresh leaf (issuer name and AKI from the team\'s certificate), and refuses it under another root', async () => {
    const { scenarios } = await loadScenarios([join(dir, 'fresh.yaml')]);
    const s = scenarios[0]!;
    const servers = await RevocationServers.start();
    const m = await issueScenarioPki(s, await loadPemFiles(s.pemFiles), { cacheDir: join(dir, 'certs'), endpoints: servers.endpointsFor('oracle') }).finally(() => servers.close());
    writeFileSync(join(dir, 'fresh.pem'), m.get('fresh').pem);
    const fresh = new X509Certificate(m.get('fresh').pem);
    const int = new X509Certificate(readFileSync(join(dir, 'int.pem')));
    expect(fresh.issuer).to.equal(int.subject);
    expect(fresh.checkIssued(int)).to.equal(true);
    const text = await openssl(['x509', '-in', 'fresh.pem', '-noout', '-ext', 'authorityKeyIdentifier'], { cwd: dir });
    expect(text.output.toUpperCase()).to.include(INT_KEY_ID);
    const ok = await openssl(['verify', '-CAfile', 'root.pem', '-untrusted', 'int.pem', 'fresh.pem'], { cwd: dir });
    expect(ok.code, ok.output).to.equal(0);
    const other = await openssl(['verify', '-CAfile', 'other-root.pem', '-untrusted', 'int.pem', 'fresh.pem'], { cwd: dir });
    expect(other.code, other.output).to.not.equal(0);
  });

  for (const mode of ['crl', 'ocsp']) {
    it(`the revoked fresh leaf is refused in ${mode} mode (signed with the team's key)`, () => {
      const [obs] = passed(`${mode} refuses the revoked fresh leaf`);
      expect(obs!.outcome).to.equal('rejected');
      expect(obs!.revocation.map((c) => c.result)).to.include('revoked');
    });
  }

  it('a URL of the team\'s written in a fresh leaf is routed to tlsgate\'s CRL of the team\'s intermediate', () => {
    const [obs] = passed('the team\'s CRL URL in a fresh leaf reaches tlsgate\'s CRL of the team\'s intermediate');
    expect(obs!.revocation.find((c) => c.url === TEAM_CRL_URL)?.result).to.equal('revoked');
  });

  it('the good fresh leaf is accepted over OCSP until `then: revoke` revokes it; a fresh client certificate passes mTLS', () => {
    const [before, after] = passed('ocsp accepts the good fresh leaf, then it is revoked');
    expect([before!.outcome, after!.outcome]).to.deep.equal(['accepted', 'rejected']);
    passed('mTLS with a fresh client certificate of the team\'s intermediate');
  });

  it('an issuer from pki.files without its key, or one that is not a CA, is exit 2 at file:line', async () => {
    const r = await tlsgate(['validate', join(dir, 'bad-issuers.yaml')]);
    expect(r.code, r.stderr + r.stdout).to.equal(2);
    const out = (r.stderr + r.stdout).replaceAll(`${dir}/`, '');
    expect(out).to.match(/bad-issuers\.yaml:6:\d+ {2}pki\.certs\[0\]\.issuer {2}'int' comes from pki\.files and tlsgate holds no private key of it: to issue a certificate, tlsgate signs with this CA's key {2}\(add key: <path> under pki\.files\.int \(the CA's private key\)\)/);
    expect(out).to.match(/bad-issuers\.yaml:7:\d+ {2}pki\.certs\[1\]\.issuer {2}'api' comes from pki\.files and is not a CA certificate/);
  });
});
