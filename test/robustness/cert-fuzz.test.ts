/**
 * The certificate fuzz, short: 60 seeded cases (odd certificates and chains through pki.files,
 * odd spec values through pki.certs), each run with real handshakes. Every case ends in a
 * verdict or a validation problem; none in a crash. `npm run fuzz:certs` runs 1,200 cases
 * (scripts/fuzz-certs.ts). Also: what the fuzz found, pinned.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tlsgate } from '../cli/spawn.js';
import { fuzzCases, runCertFuzz } from './support/cert-fuzz.js';
import { X509Certificate } from 'node:crypto';
import { certFacts } from '../../harness/session/revocation/cert-facts.js';
import { KEY_KINDS, SAN_KINDS, SERIAL_KINDS, STRING_TYPES, oddChain, type CertShape } from './support/odd-certificates.js';

const SEED = Number(process.env.TLSGATE_FUZZ_SEED ?? 20261201);
const FULL_SIZE = 1200;

describe('certificate fuzz: odd certificates and chains end in a verdict or a validation problem, never a crash', function () {
  this.timeout(300_000);

  it(`60 cases (seed ${SEED}) through pki.files and pki.certs: zero crashes`, async () => {
    const outcome = await runCertFuzz({ count: 60, seed: SEED, concurrency: 2 });
    const summary = JSON.stringify({ ...outcome, sampleProblems: undefined });
    expect(outcome.crashes, summary).to.deep.equal([]);
    expect(outcome.cases).to.equal(60);
    expect(outcome.scenarios, 'some cases reached a handshake').to.be.greaterThan(20);
    expect(outcome.validationErrors, 'some cases were refused by the loader').to.be.greaterThan(0);
    expect(Object.keys(outcome.verdicts)).to.include('failed');
  });

  it(`the full-size campaign (${FULL_SIZE} cases) covers every kind of oddity the issue lists`, () => {
    const cases = fuzzCases(FULL_SIZE, SEED);
    const files = cases.flatMap((c) => (c.via === 'files' ? [c] : []));
    const shapes = files.flatMap((c) => c.shapes);
    const seen = <T>(values: T[]) => new Set(values);
    expect(cases.length - files.length, 'spec cases').to.equal(FULL_SIZE / 2);
    expect([...seen(shapes.map((s) => s.key))].sort()).to.deep.equal([...KEY_KINDS].sort());
    expect([...seen(shapes.flatMap((s) => (s.subject.kind === 'rdns' ? [s.subject.type] : [])))].sort()).to.deep.equal([...STRING_TYPES].sort());
    expect([...seen(shapes.map((s) => s.serial))].sort()).to.deep.equal([...SERIAL_KINDS].sort());
    expect([...seen(shapes.map((s) => s.san))].sort()).to.deep.equal([...SAN_KINDS].sort());
    expect(shapes.some((s) => s.subject.kind === 'empty'), 'empty subject').to.equal(true);
    expect(shapes.some((s) => s.emptyIssuer), 'empty issuer').to.equal(true);
    expect(shapes.some((s) => s.extensions.some((e) => e.critical)) && shapes.some((s) => s.extensions.some((e) => !e.critical)), 'unknown extensions').to.equal(true);
    expect(seen(files.map((c) => c.mutation.kind))).to.deep.equal(new Set(['none', 'truncate', 'trailing-garbage']));
    expect(files.some((c) => c.shapes.length === 100), '100-deep chain via pki.files').to.equal(true);
    expect(cases.some((c) => c.via === 'spec' && c.certs.length === 100), '100-deep chain via pki.certs').to.equal(true);
  });

  describe('found by the fuzz', () => {
    let dir: string;
    before(() => { dir = mkdtempSync(join(tmpdir(), 'tlsgate-fuzz-found-')); });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('a spec serial with a leading zero byte (0001) is refused by validation or issued, never an internal error', async () => {
      const file = join(dir, 'serial.yaml');
      writeFileSync(file, [
        'pki:',
        '  certs:',
        '    - { id: root, role: root, subject: "CN=Serial Root", serial: "0001" }',
        'scenarios:',
        '  - { name: any, server: { cert: root }, client: { trust: [root], servername: localhost }, expect: { outcome: reject } }',
        '',
      ].join('\n'));
      const r = await tlsgate(['run', file, '--certs', join(dir, 'certs')]);
      const output = r.stdout + r.stderr;
      // before the fix: exit 3, 'internal error: Error: error:0480006C:PEM routines::no start line'
      expect(output).not.to.match(/internal error/);
      if (r.code === 2) expect(output).to.match(/pki\.certs\[0\]\.serial\s+serial '0001'/);
      else expect(r.code, output).to.equal(0); // issued DER-minimal: the rejection expected (the name does not match) happens
    });
  });
});

describe('found by the fuzz: revocation facts of certificates OpenSSL accepts but @peculiar/asn1-x509 cannot read', () => {
  const leafWith = (extensions: CertShape['extensions'], serial: CertShape['serial']): Buffer => oddChain([{
    key: 'ec-p256', subject: { kind: 'rdns', type: 'utf8', values: ['odd'] }, emptyIssuer: false, serial, san: 'localhost', longSanCount: 0, extensions,
  }])[0]!.der;

  it('garbage under the CDP and AIA OIDs gives no URLs instead of throwing', () => {
    const der = leafWith(['2.5.29.31', '1.3.6.1.5.5.7.1.1'].map((oid) => ({ oid, arc: 1, critical: false, bytes: [0x30, 0x05, 0x01] })), 'small');
    expect(new X509Certificate(der).subject, 'OpenSSL reads it').to.equal('CN=odd');
    const facts = certFacts(der);
    expect(facts.crlUrls).to.deep.equal([]);
    expect(facts.ocspUrls).to.deep.equal([]);
  });

  it('a negative serial is read from its DER (Node prints it as -F0, which is no hex)', () => {
    const der = leafWith([], 'negative');
    expect(new X509Certificate(der).serialNumber).to.match(/^-/);
    expect(certFacts(der).serialHex).to.equal('ff10');
  });
});
