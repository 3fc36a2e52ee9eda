/**
 * OpenSSL's UNABLE_TO_VERIFY_LEAF_SIGNATURE gets the category of its true cause (harness/session/leaf-issuer.ts),
 * over real handshakes run by the engine: from generated chains (the spec's `broken`) and from PEM
 * files (`pki.files`) whose issuer link OpenSSL cannot use, made by tlsgate's CA and then altered.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsnConvert } from '@peculiar/asn1-schema';
import * as asn1 from '@peculiar/asn1-x509';
import { issuePki } from '../ca/issue/factory.js';
import { createEngine, type Engine } from '../harness/session/engine.js';
import type { Observation } from '../harness/model/domain.js';
import { loadScenarios } from '../harness/scenario/load.js';
import { opensslOk } from './ca/helpers.js';

const SPEC_FILE = `
pki:
  certs:
    - { id: root, role: root, subject: "CN=Leaf Issuer Root" }
    - { id: int, role: intermediate, issuer: root, subject: "CN=Leaf Issuer Int" }
    - { id: leaf, role: server, issuer: int, subject: "CN=localhost", san: { dns: [localhost] } }
    - { id: wrong-name, role: server, issuer: int, subject: "CN=localhost", san: { dns: [localhost] }, broken: { wrongIssuerName: "CN=Somebody Else" } }
    - { id: direct, role: server, issuer: root, subject: "CN=localhost", san: { dns: [localhost] } }
    - { id: direct-wrong-name, role: server, issuer: root, subject: "CN=localhost", san: { dns: [localhost] }, broken: { wrongIssuerName: "CN=Somebody Else" } }
    - { id: other-root, role: root, subject: "CN=Another Root" }
defaults:
  client: { servername: localhost }
scenarios:
  - name: leaf only, intermediate not sent
    server: { cert: leaf, chain: [] }
    expect: { outcome: reject }
  - name: intermediate sent, leaf names another issuer
    server: { cert: wrong-name }
    expect: { outcome: reject }
  - name: issuer is the trusted root, leaf names another issuer
    server: { cert: direct-wrong-name }
    expect: { outcome: reject }
  - name: leaf issued by a root the client does not trust
    server: { cert: direct }
    client: { trust: [other-root] }
    expect: { outcome: reject }
  - name: leaf only, trust system
    server: { cert: leaf, chain: [] }
    client: { trust: system }
    expect: { outcome: reject }
`;

const FILES_FILE = `
pki:
  files:
    root: { cert: ./root.pem }
    int: { cert: ./int.pem }
    wrong-name: { cert: ./wrong-name.pem, key: ./wrong-name.key }
    relabelled: { cert: ./relabelled.pem, key: ./relabelled.key }
    bad-sig: { cert: ./bad-sig.pem, key: ./bad-sig.key }
defaults:
  client: { servername: localhost, trust: [root] }
scenarios:
  - name: file leaf naming another issuer, default chain
    server: { cert: wrong-name }
    expect: { outcome: reject }
  - name: file leaf claiming an ECDSA signature from an RSA issuer, default chain
    server: { cert: relabelled }
    expect: { outcome: reject }
  - name: file leaf naming another issuer, sent alone
    server: { cert: wrong-name, chain: [] }
    expect: { outcome: reject }
  - name: file leaf with a bad signature, default chain
    server: { cert: bad-sig }
    expect: { outcome: reject, code: CERT_SIGNATURE_FAILURE, category: bad-signature }
`;

/** the certificate with both signatureAlgorithm fields saying ecdsa-with-SHA256 (its issuer's key is RSA) */
function relabelAsEcdsa(der: Buffer): Buffer {
  const cert = AsnConvert.parse(der, asn1.Certificate);
  const ecdsaWithSha256 = new asn1.AlgorithmIdentifier({ algorithm: '1.2.840.10045.4.3.2' });
  cert.signatureAlgorithm = ecdsaWithSha256;
  cert.tbsCertificate.signature = ecdsaWithSha256;
  return Buffer.from(AsnConvert.serialize(cert));
}

const pemOf = (der: Buffer) => `-----BEGIN CERTIFICATE-----\n${der.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;

describe('UNABLE_TO_VERIFY_LEAF_SIGNATURE gets the category of its cause (real handshakes)', function () {
  this.timeout(120_000);
  let dir: string;
  let engine: Engine;
  const observed = new Map<string, Observation>();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tlsgate-leaf-issuer-'));
    const m = await issuePki({
      certs: [
        { id: 'root', role: 'root', subject: 'CN=Files Root' },
        { id: 'int', role: 'intermediate', issuer: 'root', subject: 'CN=Files RSA Int', key: 'rsa-2048' },
        { id: 'wrong-name', role: 'server', issuer: 'int', subject: 'CN=localhost', san: { dns: ['localhost'] }, broken: { wrongIssuerName: 'CN=Somebody Else' } },
        { id: 'relabelled', role: 'server', issuer: 'int', subject: 'CN=localhost', san: { dns: ['localhost'] } },
        { id: 'bad-sig', role: 'server', issuer: 'int', subject: 'CN=localhost', san: { dns: ['localhost'] }, broken: { badSignature: true } },
      ],
    });
    for (const id of ['root', 'int', 'wrong-name', 'bad-sig']) writeFileSync(join(dir, `${id}.pem`), m.get(id).pem);
    writeFileSync(join(dir, 'relabelled.pem'), pemOf(relabelAsEcdsa(m.get('relabelled').der)));
    for (const id of ['wrong-name', 'relabelled', 'bad-sig']) writeFileSync(join(dir, `${id}.key`), m.get(id).keyPem, { mode: 0o600 });
    writeFileSync(join(dir, 'spec.yaml'), SPEC_FILE);
    writeFileSync(join(dir, 'files.yaml'), FILES_FILE);

    const { scenarios, problems } = await loadScenarios([join(dir, 'spec.yaml'), join(dir, 'files.yaml')]);
    expect(problems).to.deep.equal([]);
    engine = await createEngine({ certsDir: join(dir, 'certs'), timeoutMs: 5000 });
    const signal = new AbortController().signal;
    for (const s of scenarios) {
      const result = await engine.run(s, signal);
      expect(result.verdict.status, `${s.name}: ${JSON.stringify(result.verdict)}`).to.equal('passed');
      observed.set(s.name, result.observations[0]!);
    }
  });
  after(async () => {
    await engine?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const cases: Array<[scenario: string, category: string, note: RegExp | undefined]> = [
    ['leaf only, intermediate not sent', 'incomplete-chain', undefined],
    ['leaf only, trust system', 'incomplete-chain', undefined],
    ['file leaf naming another issuer, sent alone', 'incomplete-chain', undefined],
    ['intermediate sent, leaf names another issuer', 'malformed-cert', /issuer 'int' was sent by the server, yet OpenSSL could not link the leaf to it/],
    ['issuer is the trusted root, leaf names another issuer', 'malformed-cert', /issuer 'root' was in the trust store/],
    ['file leaf naming another issuer, default chain', 'malformed-cert', /issuer 'int' was sent by the server/],
    ['file leaf claiming an ECDSA signature from an RSA issuer, default chain', 'malformed-cert', /issuer 'int' was sent by the server/],
    ['leaf issued by a root the client does not trust', 'untrusted-root', /issued by the root 'root', which the client does not trust/],
  ];
  for (const [scenario, category, note] of cases) {
    it(`${scenario}: OpenSSL says UNABLE_TO_VERIFY_LEAF_SIGNATURE, the category is ${category}`, () => {
      const obs = observed.get(scenario)!;
      expect(obs, scenario).to.include({ outcome: 'rejected', code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', side: 'client', category });
      if (note) expect(obs.warnings.join('\n')).to.match(note);
      else expect(obs.warnings).to.deep.equal([]);
    });
  }

  it('a file leaf whose link OpenSSL refuses is still served with its issuer: a bad signature is bad-signature, not a missing intermediate', () => {
    expect(observed.get('file leaf with a bad signature, default chain')).to.include({ code: 'CERT_SIGNATURE_FAILURE', category: 'bad-signature', side: 'client' });
  });

  it('the altered files are what the cases say (openssl as the oracle)', async () => {
    // the relabelled leaf: names its issuer correctly, claims a signature algorithm the RSA key cannot make
    const relabelled = await opensslOk(['x509', '-in', join(dir, 'relabelled.pem'), '-noout', '-text']);
    expect(relabelled).to.match(/Signature Algorithm: ecdsa-with-SHA256/);
    expect(relabelled).to.match(/Issuer: CN ?= ?Files RSA Int/);
    expect(await opensslOk(['x509', '-in', join(dir, 'int.pem'), '-noout', '-text'])).to.match(/Public Key Algorithm: rsaEncryption/);
    // the wrong-name leaf is signed by the intermediate's key: only its issuer name is wrong
    const wrongName = await opensslOk(['x509', '-in', join(dir, 'wrong-name.pem'), '-noout', '-issuer']);
    expect(wrongName).to.match(/CN ?= ?Somebody Else/);
  });
});
