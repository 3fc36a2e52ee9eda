import { expect } from 'chai';
import { createSecureContext } from 'node:tls';
import * as asn1js from 'asn1js';
import { crlPem, issueCrl, parseCrl, type CrlEntry, type CrlOptions } from '../../ca/revocation/crl.js';
import { generateKey, keyPairFromPem } from '../../ca/issue/keys.js';
import { signatureAlgorithmDer, verifyTbs, type KeyPair } from '../../ca/asn1/signer.js';
import { REVOCATION_REASONS, type KeyAlgorithm } from '../../ca/spec/spec.js';
import { buildTestCa, type OpensslCa } from './openssl-ca.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** openssl's names for the CRLReason codes, in REVOCATION_REASONS order */
const OPENSSL_REASON_TEXT = [
  'Unspecified', 'Key Compromise', 'CA Compromise', 'Affiliation Changed', 'Superseded',
  'Cessation Of Operation', 'Certificate Hold', 'Remove From CRL', 'Privilege Withdrawn', 'AA Compromise',
];

describe('ca/crl: CRLs checked by the openssl CLI', function () {
  this.timeout(20_000);
  let ca: OpensslCa;
  let intKey: KeyPair;
  let now: number;

  before(function () {
    ca = buildTestCa();
    intKey = keyPairFromPem('ec-p256', ca.cert('int').keyPem);
    now = Date.now();
  });
  after(() => ca?.cleanup());

  const options = (overrides: Partial<CrlOptions> = {}): CrlOptions => ({
    issuer: { certDer: ca.cert('int').der, key: intKey, hash: 'sha256' },
    thisUpdate: new Date(now - HOUR),
    nextUpdate: new Date(now + DAY),
    crlNumber: 42n,
    entries: [{ serialHex: ca.cert('revoked').serialHex, revokedAt: new Date(now - 2 * HOUR), reason: 'keyCompromise' }],
    ...overrides,
  });

  /** writes the CRL as DER and PEM; returns the PEM file name */
  const save = (name: string, der: Buffer): string => {
    ca.write(`${name}.der`, der);
    ca.write(`${name}.pem`, crlPem(der));
    return `${name}.pem`;
  };

  const crlText = (name: string, issuerId = 'int') =>
    ca.run(['crl', '-in', `${name}.der`, '-inform', 'DER', '-CAfile', ca.cert(issuerId).path, '-noout', '-text']).output;

  /** `openssl verify -crl_check` of `leafId` under root -> `intId` */
  const verify = (leafId: string, crlFile: string, extra: string[] = [], intId = 'int') =>
    ca.run(['verify', '-crl_check', ...extra, '-CAfile', ca.cert('root').path, '-untrusted', ca.cert(intId).path, '-CRLfile', crlFile, ca.cert(leafId).path]).output;

  const subjectKeyId = (id: string): string =>
    ca.runOk(['x509', '-in', ca.cert(id).path, '-noout', '-ext', 'subjectKeyIdentifier']).split('\n')[1]!.trim();

  describe('structure (openssl crl -text)', function () {
    it('is a v2 CRL with CRL number and the CA key id as AKI that openssl verifies', function () {
      save('basic', issueCrl(options({ entries: [{ ...options().entries[0]!, invalidityDate: new Date(now - 3 * HOUR) }] })));
      const text = crlText('basic');
      expect(text).to.match(/^verify OK$/m);
      expect(text).to.contain('Version 2 (0x1)');
      expect(text).to.match(/X509v3 CRL Number: \n\s+42\n/);
      expect(text).to.match(/X509v3 Authority Key Identifier: \n\s+(keyid:)?([0-9A-F:]+)\n/);
      expect(text).to.contain(subjectKeyId('int'));
      expect(text).to.contain(`Serial Number: ${ca.cert('revoked').serialHex.toUpperCase()}`);
      expect(text).to.match(/X509v3 CRL Reason Code: \n\s+Key Compromise/);
      expect(text).to.match(/Invalidity Date: \n\s+\w{3} [ \d]\d \d\d:\d\d:\d\d \d{4} GMT/);
      expect(text).to.contain('Signature Algorithm: ecdsa-with-SHA256');
    });

    it('names every RFC 5280 reason as openssl does, including removeFromCRL (code 8)', function () {
      const entries: CrlEntry[] = REVOCATION_REASONS.map((reason, i) => ({ serialHex: (0x100 + i).toString(16), revokedAt: new Date(now - HOUR), reason }));
      save('reasons', issueCrl(options({ entries })));
      const text = crlText('reasons');
      const shown = [...text.matchAll(/X509v3 CRL Reason Code: \n\s+(.+)\n/g)].map((m) => m[1]);
      expect(shown).to.deep.equal(OPENSSL_REASON_TEXT);
    });

    it('omits the revoked list when nothing is revoked', function () {
      save('empty', issueCrl(options({ entries: [] })));
      expect(crlText('empty')).to.contain('No Revoked Certificates.');
      expect(parseCrl(issueCrl(options({ entries: [] }))).entries).to.deep.equal([]);
    });

    it('marks a delta CRL with a critical Delta CRL Indicator and a base CRL with Freshest CRL', function () {
      save('delta', issueCrl(options({ crlNumber: 11n, deltaOf: 10n })));
      expect(crlText('delta')).to.match(/X509v3 Delta CRL Indicator: critical\n\s+10\n/);
      save('base', issueCrl(options({ crlNumber: 10n, entries: [], freshestCrlUrl: 'http://127.0.0.1:8080/int-delta.crl' })));
      expect(crlText('base')).to.match(/X509v3 Freshest CRL: \n\s+Full Name:\n\s+URI:http:\/\/127\.0\.0\.1:8080\/int-delta\.crl/);
    });

    it('marks an indirect CRL with a critical IDP and critical certificateIssuer entries', function () {
      const entries: CrlEntry[] = [
        { serialHex: ca.cert('other-leaf').serialHex, revokedAt: new Date(now - HOUR), reason: 'superseded', certificateIssuerDer: ca.cert('other-int').subjectDer },
      ];
      save('indirect', issueCrl(options({ indirect: true, entries })));
      const text = crlText('indirect');
      expect(text).to.match(/^verify OK$/m);
      expect(text).to.match(/X509v3 Issuing Distribution Point: critical\n\s+Indirect CRL/);
      expect(text).to.match(/X509v3 Certificate Issuer: critical\n\s+DirName:\/CN=tlsgate other int/);
      expect(parseCrl(issueCrl(options({ indirect: true, entries }))).entries[0]!.certificateIssuerDer).to.deep.equal(ca.cert('other-int').subjectDer);
    });

    it('writes an IDP fullName URI when asked', function () {
      save('idp', issueCrl(options({ distributionPointUrl: 'http://127.0.0.1:8080/int.crl' })));
      expect(crlText('idp')).to.match(/X509v3 Issuing Distribution Point: critical\n\s+Full Name:\n\s+URI:http:\/\/127\.0\.0\.1:8080\/int\.crl/);
    });
  });

  describe('verdicts (openssl verify -crl_check)', function () {
    it('revokes the listed leaf and passes a good one', function () {
      const file = save('verdict', issueCrl(options()));
      expect(verify('revoked', file)).to.contain('certificate revoked');
      expect(verify('leaf', file)).to.match(/leaf\.pem: OK/);
    });

    it('reports an expired CRL past nextUpdate', function () {
      const file = save('stale', issueCrl(options({ thisUpdate: new Date(now - 2 * DAY), nextUpdate: new Date(now - DAY) })));
      expect(verify('leaf', file)).to.contain('CRL has expired');
    });

    it('reports a CRL whose thisUpdate is ahead as not yet valid', function () {
      const file = save('future', issueCrl(options({ thisUpdate: new Date(now + DAY), nextUpdate: new Date(now + 2 * DAY) })));
      expect(verify('leaf', file)).to.contain('CRL is not yet valid');
    });

    it('reports a signature failure when another key signs (issuer name and AKI stay the CA\'s)', async function () {
      const der = issueCrl(options({ signingKey: await generateKey('ec-p256') }));
      const file = save('wrongkey', der);
      expect(verify('leaf', file)).to.contain('CRL signature failure');
      expect(crlText('wrongkey')).to.contain(subjectKeyId('int'));
      expect(parseCrl(der).issuerDer).to.deep.equal(ca.cert('int').subjectDer);
    });

    it('applies a delta CRL on top of its base (-use_deltas)', function () {
      const base = save('base10', issueCrl(options({ crlNumber: 10n, entries: [], freshestCrlUrl: 'http://127.0.0.1:8080/delta.crl' })));
      const delta = save('delta11', issueCrl(options({ crlNumber: 11n, deltaOf: 10n })));
      expect(verify('revoked', base)).to.match(/revoked\.pem: OK/);
      expect(verify('revoked', base, ['-use_deltas', '-CRLfile', delta])).to.contain('certificate revoked');
    });
  });

  describe('signature algorithms', function () {
    const cases: Array<{ title: string; caId: string; leafId: string; algorithm: KeyAlgorithm; sigText: RegExp }> = [
      { title: 'Ed25519', caId: 'ed-root', leafId: 'ed-leaf', algorithm: 'ed25519', sigText: /Signature Algorithm: ED25519/ },
      { title: 'RSA-PSS (rsaEncryption key)', caId: 'rsa-root', leafId: 'rsa-leaf', algorithm: 'rsa-pss-2048', sigText: /Signature Algorithm: rsassaPss/ },
      { title: 'RSA PKCS#1 v1.5', caId: 'rsa-root', leafId: 'rsa-leaf', algorithm: 'rsa-2048', sigText: /Signature Algorithm: sha256WithRSAEncryption/ },
    ];
    for (const c of cases) {
      it(`${c.title}: openssl verifies the CRL and revokes by it`, function () {
        const issuer = { certDer: ca.cert(c.caId).der, key: keyPairFromPem(c.algorithm, ca.cert(c.caId).keyPem), hash: 'sha256' as const };
        const entries = [{ serialHex: ca.cert(c.leafId).serialHex, revokedAt: new Date(now - HOUR), reason: 'cACompromise' as const }];
        const name = `alg-${c.algorithm}`;
        save(name, issueCrl(options({ issuer, entries })));
        const text = crlText(name, c.caId);
        expect(text).to.match(/^verify OK$/m);
        expect(text).to.match(c.sigText);
        const verdict = ca.run(['verify', '-crl_check', '-CAfile', ca.cert(c.caId).path, '-CRLfile', `${name}.pem`, ca.cert(c.leafId).path]).output;
        expect(verdict).to.contain('certificate revoked');
      });
    }

    it('ECDSA with SHA-1 (the legacy CRL Node still accepts)', function () {
      save('sha1', issueCrl(options({ issuer: { certDer: ca.cert('int').der, key: intKey, hash: 'sha1' } })));
      const text = crlText('sha1');
      expect(text).to.match(/^verify OK$/m);
      expect(text).to.contain('Signature Algorithm: ecdsa-with-SHA1');
    });
  });

  describe('times', function () {
    /** thisUpdate and nextUpdate elements of the TBSCertList (after version, signature, issuer) */
    const tbsTimes = (der: Buffer) => {
      const tbs = (asn1js.fromBER(parseCrl(der).tbsDer).result as asn1js.Sequence).valueBlock.value;
      return [tbs[3]!, tbs[4]!].map((t) => ({ tag: t.idBlock.tagNumber, text: Buffer.from((t as asn1js.UTCTime).valueBlock.valueHexView).toString('latin1') }));
    };

    it('uses UTCTime before 2050 and GeneralizedTime from 2050, always without milliseconds', function () {
      const der = issueCrl(options({ thisUpdate: new Date('2049-12-31T23:59:59.789Z'), nextUpdate: new Date('2050-01-01T00:00:00.999Z') }));
      expect(tbsTimes(der)).to.deep.equal([{ tag: 23, text: '491231235959Z' }, { tag: 24, text: '20500101000000Z' }]);
      save('y2050', der);
      expect(crlText('y2050')).to.contain('Next Update: Jan  1 00:00:00 2050 GMT');
      const parsed = parseCrl(der);
      expect(parsed.thisUpdate.toISOString()).to.equal('2049-12-31T23:59:59.000Z');
      expect(parsed.nextUpdate!.toISOString()).to.equal('2050-01-01T00:00:00.000Z');
    });

    it('refuses an invalid date instead of writing garbage', function () {
      expect(() => issueCrl(options({ nextUpdate: new Date('nope') }))).to.throw(/nextUpdate is not a valid date/);
    });
  });

  describe('crlPem', function () {
    it('writes "X509 CRL" PEM that openssl and Node load', function () {
      const pem = crlPem(issueCrl(options()));
      expect(pem).to.match(/^-----BEGIN X509 CRL-----\n([A-Za-z0-9+/=]{64}\n)*[A-Za-z0-9+/=]{1,64}\n-----END X509 CRL-----\n$/);
      ca.write('pem.pem', pem);
      expect(ca.run(['crl', '-in', 'pem.pem', '-CAfile', ca.cert('int').path, '-noout']).output).to.match(/^verify OK$/m);
      expect(() => createSecureContext({ crl: pem })).not.to.throw();
    });
  });

  describe('parseCrl', function () {
    it('round-trips issueCrl: serials canonical, times in whole seconds, extensions read back', function () {
      const entries: CrlEntry[] = [
        { serialHex: '00FF', revokedAt: new Date(now - HOUR + 456), reason: 'aACompromise', invalidityDate: new Date(now - 2 * HOUR + 1) },
        { serialHex: 'abc', revokedAt: new Date(now - HOUR), reason: 'removeFromCRL' },
        { serialHex: ca.cert('revoked').serialHex, revokedAt: new Date(now - HOUR) },
      ];
      const der = issueCrl(options({ entries, crlNumber: 2n ** 80n, deltaOf: 7n }));
      const parsed = parseCrl(der);
      const second = (t: number) => new Date(Math.floor(t / 1000) * 1000);
      expect(parsed.issuerDer).to.deep.equal(ca.cert('int').subjectDer);
      expect(parsed.thisUpdate).to.deep.equal(second(now - HOUR));
      expect(parsed.nextUpdate).to.deep.equal(second(now + DAY));
      expect(parsed.crlNumber).to.equal(2n ** 80n);
      expect(parsed.deltaOf).to.equal(7n);
      expect(parsed.signatureAlgorithmOid).to.equal('1.2.840.10045.4.3.2');
      expect(parsed.signatureAlgorithmDer).to.deep.equal(signatureAlgorithmDer('ec-p256', 'sha256'));
      expect(parsed.entries).to.deep.equal([
        { serialHex: 'ff', revokedAt: second(now - HOUR + 456), reason: 'aACompromise', invalidityDate: second(now - 2 * HOUR + 1) },
        { serialHex: '0abc', revokedAt: second(now - HOUR), reason: 'removeFromCRL' },
        { serialHex: ca.cert('revoked').serialHex, revokedAt: second(now - HOUR) },
      ]);
      expect(verifyTbs(intKey, 'sha256', parsed.tbsDer, parsed.signature)).to.equal(true);
    });

    it('reads a CRL made by openssl ca -gencrl', function () {
      const der = ca.opensslCrl('int', '0F', [
        { serialHex: ca.cert('revoked').serialHex, reason: 'keyCompromise' },
        { serialHex: '0102', reason: 'CACompromise' },
      ]);
      const parsed = parseCrl(der);
      expect(parsed.issuerDer).to.deep.equal(ca.cert('int').subjectDer);
      expect(parsed.crlNumber).to.equal(15n);
      // openssl orders the entries by serial
      expect(parsed.entries.map((e) => [e.serialHex, e.reason])).to.deep.equal([
        ['0102', 'cACompromise'],
        [ca.cert('revoked').serialHex, 'keyCompromise'],
      ]);
    });

    it('handles CRLs beyond asn1js\'s default 10,000-node limit (1,500 entries with reasons)', function () {
      const entries: CrlEntry[] = Array.from({ length: 1500 }, (_, i) => ({ serialHex: (0x10000 + i).toString(16), revokedAt: new Date(now - HOUR), reason: 'superseded' }));
      const der = issueCrl(options({ entries }));
      save('large', der);
      expect(ca.run(['crl', '-in', 'large.der', '-inform', 'DER', '-CAfile', ca.cert('int').path, '-noout']).output).to.match(/^verify OK$/m);
      expect(parseCrl(der).entries).to.have.length(1500);
    });

    it('throws a clear Error on garbage, truncation and trailing bytes', function () {
      const der = issueCrl(options());
      expect(() => parseCrl(Buffer.alloc(0))).to.throw(Error, /^CRL: empty input/);
      expect(() => parseCrl(Buffer.from('not a crl at all'))).to.throw(Error, /^CRL/);
      expect(() => parseCrl(der.subarray(0, der.length - 10))).to.throw(Error, /^CRL: not ASN\.1/);
      expect(() => parseCrl(Buffer.concat([der, Buffer.from([0])]))).to.throw(Error, /^CRL: 1 trailing byte/);
      expect(() => parseCrl(ca.cert('int').der)).to.throw(Error, /^CRL: DER does not match/);
    });
  });
});
