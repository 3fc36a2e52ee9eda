/**
 * subjectNameDer walks a certificate's DER to its subject. The oracle is an independent ASN.1
 * implementation (@peculiar/asn1-schema, which the walk replaced): the same bytes for
 * certificates of every key type, short and long names, an empty subject, and a v1 certificate
 * made by the openssl CLI (no version field); what is no certificate throws.
 */
import { expect } from 'chai';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AsnConvert } from '@peculiar/asn1-schema';
import * as asn1 from '@peculiar/asn1-x509';
import { subjectNameDer } from '../../ca/asn1/certificate-name.js';
import { issuePki } from '../../ca/issue/factory.js';
import type { CertSpec } from '../../ca/spec/spec.js';
import { openssl, opensslOk, tempDir } from './helpers.js';

const bySchema = (der: Buffer): Buffer => Buffer.from(AsnConvert.serialize(AsnConvert.parse(der, asn1.Certificate).tbsCertificate.subject));

describe('ca/asn1/certificate-name: subjectNameDer', function () {
  this.timeout(60_000);

  it('gives the bytes an ASN.1 schema parse gives, for every key type and name length, and an empty subject', async () => {
    const long = `CN=${'a'.repeat(60)},OU=${'b'.repeat(60)},O=${'c'.repeat(60)},L=somewhere,C=DE`;
    const certs: CertSpec[] = [
      { id: 'root', role: 'root', subject: 'CN=name root', key: 'rsa-2048' },
      { id: 'int', role: 'intermediate', issuer: 'root', subject: long, key: 'ec-p384' },
      { id: 'leaf', role: 'server', issuer: 'int', subject: 'CN=leaf.example.test,O=tlsgate', key: 'ed25519', san: { dns: ['leaf.example.test'] } },
      { id: 'empty', role: 'server', issuer: 'int', subject: '', key: 'ec-p256', san: { dns: ['empty.example.test'] } },
      { id: 'client', role: 'client', issuer: 'root', subject: 'CN=client,O=tlsgate', key: 'rsa-1024' },
    ];
    const m = await issuePki({ certs });
    for (const { id } of certs) {
      const der = m.get(id).der;
      expect(subjectNameDer(der).equals(bySchema(der)), id).to.equal(true);
    }
    expect(subjectNameDer(m.get('int').der).length, 'a long name: long-form lengths').to.be.greaterThan(200);
  });

  it('a v1 certificate from the openssl CLI (no version field): the same bytes', async () => {
    const t = await tempDir('tlsgate-v1-');
    try {
      await opensslOk(['genpkey', '-algorithm', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', t.file('k.pem')]);
      await opensslOk(['req', '-new', '-key', t.file('k.pem'), '-subj', '/CN=v1 cert/O=tlsgate', '-out', t.file('req.pem')]);
      await opensslOk(['x509', '-req', '-in', t.file('req.pem'), '-signkey', t.file('k.pem'), '-days', '1', '-out', t.file('v1.pem')]);
      const text = (await openssl(['x509', '-in', t.file('v1.pem'), '-noout', '-text'])).output;
      expect(text).to.match(/Version: 1 \(0x0\)/);
      const der = new X509Certificate(readFileSync(t.file('v1.pem'))).raw;
      expect(subjectNameDer(der).equals(bySchema(der))).to.equal(true);
    } finally {
      await t.cleanup();
    }
  });

  it('throws on what is no certificate: cut short, another tag, a CRL-like body', async () => {
    const der = (await issuePki({ certs: [{ id: 'root', role: 'root', subject: 'CN=x' }] })).get('root').der;
    expect(() => subjectNameDer(der.subarray(0, 40))).to.throw(/DER|certificate/);
    expect(() => subjectNameDer(Buffer.concat([Buffer.from([0x31]), der.subarray(1)]))).to.throw(/not a certificate/);
    expect(() => subjectNameDer(Buffer.from([0x30, 0x03, 0x30, 0x01, 0x00]))).to.throw();
  });
});
