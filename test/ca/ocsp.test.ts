import { expect } from 'chai';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { generateKey, keyPairFromPem } from '../../ca/issue/keys.js';
import {
  buildOcspRequest, buildOcspResponse, certIdFor, ocspErrorResponse, OcspRequestError, parseOcspRequest, parseOcspResponse,
  type CertIdFields, type OcspResponseOptions, type SingleAnswer,
} from '../../ca/revocation/ocsp.js';
import type { OcspErrorStatus } from '../../ca/revocation/revocation-types.js';
import { signatureAlgorithmDer, verifyTbs, type KeyPair } from '../../ca/asn1/signer.js';
import { REVOCATION_REASONS, type KeyAlgorithm } from '../../ca/spec/spec.js';
import { buildTestCa, type OpensslCa } from './openssl-ca.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** RFC 5280 reason codes in REVOCATION_REASONS order (7 is unassigned) */
const REASON_CODES = [0, 1, 2, 3, 4, 5, 6, 8, 9, 10];

const second = (t: number): Date => new Date(Math.floor(t / 1000) * 1000);

/** a deterministic PRNG (mulberry32), so that a failing mutation can be replayed */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('ca/ocsp: requests and responses checked by the openssl CLI', function () {
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

  const idOf = (certId: string, issuerId = 'int', hash: 'sha1' | 'sha256' = 'sha1'): CertIdFields =>
    certIdFor(ca.cert(certId).der, ca.cert(issuerId).der, hash);

  const answer = (certId: string, status: SingleAnswer['status'], times: Partial<SingleAnswer> = {}): SingleAnswer => ({
    id: idOf(certId),
    status,
    thisUpdate: new Date(now - MINUTE),
    nextUpdate: new Date(now + HOUR),
    ...times,
  });

  const responseOptions = (overrides: Partial<OcspResponseOptions> = {}): OcspResponseOptions => ({
    signer: { certDer: ca.cert('int').der, key: intKey, hash: 'sha256' },
    producedAt: new Date(now),
    answers: [answer('leaf', { kind: 'good' })],
    ...overrides,
  });

  /** `openssl ocsp -respin` checking the response for `certIds` (issued by int) against root */
  const readResponse = (der: Buffer, certIds: string[] = ['leaf'], extra: string[] = ['-no_nonce']): string => {
    ca.write('resp.der', der);
    const certs = certIds.flatMap((id) => ['-cert', ca.cert(id).path]);
    return ca.run(['ocsp', '-respin', 'resp.der', '-issuer', ca.cert('int').path, ...certs, '-CAfile', ca.cert('root').path, '-resp_text', ...extra]).output;
  };

  const subjectKeyIdHex = (id: string): string =>
    ca.runOk(['x509', '-in', ca.cert(id).path, '-noout', '-ext', 'subjectKeyIdentifier']).split('\n')[1]!.trim().replace(/:/g, '');

  describe('certIdFor and requests', function () {
    it('computes the CertIDs openssl puts in its requests (SHA-1 and SHA-256), nonce included', function () {
      ca.runOk(['ocsp', '-issuer', ca.cert('int').path, '-cert', ca.cert('revoked').path, '-sha256', '-cert', ca.cert('leaf').path, '-reqout', 'openssl-req.der']);
      const openssl = parseOcspRequest(ca.read('openssl-req.der'));
      expect(openssl.ids).to.deep.equal([idOf('revoked'), idOf('leaf', 'int', 'sha256')]);
      const text = ca.runOk(['ocsp', '-reqin', 'openssl-req.der', '-req_text']);
      const nonceHex = /OCSP Nonce: \n\s+0410([0-9A-F]{32})/.exec(text)?.[1];
      expect(openssl.nonce?.toString('hex').toUpperCase()).to.equal(nonceHex);
    });

    it('hashes the issuer cert\'s subject; openssl hashes the cert\'s own issuer field (same bytes in a sound chain)', function () {
      // other-leaf names "other int" as its issuer; asked about under int, openssl mixes the two
      ca.runOk(['ocsp', '-issuer', ca.cert('int').path, '-cert', ca.cert('other-leaf').path, '-no_nonce', '-reqout', 'mixed-req.der']);
      const [openssl] = parseOcspRequest(ca.read('mixed-req.der')).ids;
      const ours = idOf('other-leaf', 'int');
      expect(ours.issuerNameHash).to.deep.equal(idOf('leaf', 'int').issuerNameHash);
      expect(openssl!.issuerNameHash).to.deep.equal(idOf('other-leaf', 'other-int').issuerNameHash);
      expect({ ...openssl, issuerNameHash: undefined }).to.deep.equal({ ...ours, issuerNameHash: undefined });
    });

    it('builds requests openssl reads, with the nonce wrapped in an OCTET STRING as openssl does', function () {
      const nonce = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
      ca.write('req.der', buildOcspRequest([idOf('revoked'), idOf('leaf', 'int', 'sha256')], { nonce }));
      const text = ca.runOk(['ocsp', '-reqin', 'req.der', '-req_text']);
      expect(text).to.contain(`Serial Number: ${ca.cert('revoked').serialHex.toUpperCase()}`);
      expect(text).to.contain(`Serial Number: ${ca.cert('leaf').serialHex.toUpperCase()}`);
      expect(text).to.match(/Hash Algorithm: sha1[\s\S]+Hash Algorithm: sha256/);
      expect(text).to.contain(`Issuer Key Hash: ${subjectKeyIdHex('int')}`);
      expect(text).to.match(/OCSP Nonce: \n\s+041000112233445566778899AABBCCDDEEFF\n/);
      ca.write('req-nononce.der', buildOcspRequest([idOf('leaf')]));
      expect(ca.runOk(['ocsp', '-reqin', 'req-nononce.der', '-req_text'])).not.to.contain('Request Extensions');
    });

    it('round-trips through parseOcspRequest', function () {
      const ids = [idOf('leaf'), idOf('revoked', 'int', 'sha256'), { ...idOf('leaf'), serialHex: '00' }];
      const nonce = Buffer.from('a nonce of any length');
      expect(parseOcspRequest(buildOcspRequest(ids, { nonce }))).to.deep.equal({ ids, nonce });
      expect(parseOcspRequest(buildOcspRequest(ids))).to.deep.equal({ ids });
    });
  });

  describe('parseOcspRequest rejects malformed input with OcspRequestError', function () {
    let valid: Buffer;
    before(() => {
      valid = buildOcspRequest([idOf('leaf'), idOf('revoked')], { nonce: Buffer.alloc(16, 7) });
    });

    const rejects = (der: Uint8Array, message?: RegExp) => {
      expect(() => parseOcspRequest(der)).to.throw(OcspRequestError, message);
    };

    /** a request built with pkijs around a hand-chosen CertID, for cases buildOcspRequest cannot make */
    const requestWith = (requestList: pkijs.Request[]): Buffer =>
      Buffer.from(new pkijs.OCSPRequest({ tbsRequest: new pkijs.TBSRequest({ requestList }) }).toSchema(true).toBER());

    const certIdRequest = (hashOid: string, hashLength: number, params?: asn1js.BaseBlock): pkijs.Request =>
      new pkijs.Request({
        reqCert: new pkijs.CertID({
          hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: hashOid, ...(params ? { algorithmParams: params } : {}) }),
          issuerNameHash: new asn1js.OctetString({ valueHex: new Uint8Array(hashLength) }),
          issuerKeyHash: new asn1js.OctetString({ valueHex: new Uint8Array(hashLength) }),
          serialNumber: new asn1js.Integer({ value: 5 }),
        }),
      });

    it('empty input, garbage and a certificate', function () {
      rejects(Buffer.alloc(0), /empty input/);
      rejects(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
      rejects(ca.cert('leaf').der, /does not match/);
    });

    it('every truncation and trailing bytes', function () {
      for (let length = 0; length < valid.length; length++) rejects(valid.subarray(0, length));
      rejects(Buffer.concat([valid, Buffer.from([0x00])]), /trailing byte/);
    });

    it('every bit flip in every tag byte', function () {
      const tagOffsets: number[] = [];
      const walk = (block: asn1js.BaseBlock): void => {
        tagOffsets.push(block.valueBeforeDecodeView.byteOffset);
        if (block.idBlock.isConstructed) (block as asn1js.Constructed).valueBlock.value.forEach(walk);
      };
      walk(asn1js.fromBER(valid, { copyInput: false }).result as asn1js.BaseBlock);
      expect(tagOffsets.length).to.be.greaterThan(20);
      for (const offset of tagOffsets) {
        for (let bit = 0; bit < 8; bit++) {
          const mutated = Buffer.from(valid);
          mutated[offset]! ^= 1 << bit;
          rejects(mutated);
        }
      }
    });

    it('BER that is not DER: indefinite length, padded length', function () {
      // the outer SEQUENCE header is 30 8n followed by n length octets
      const lengthOctets = valid[1]! & 0x7f;
      expect(valid[1]! & 0x80).to.equal(0x80);
      const content = valid.subarray(2 + lengthOctets);
      rejects(Buffer.concat([Buffer.from([0x30, 0x80]), content, Buffer.from([0, 0])]), /not DER \(indefinite length\)/);
      const paddedLength = Buffer.concat([Buffer.from([0x30, 0x80 | (lengthOctets + 1), 0x00]), valid.subarray(2)]);
      rejects(paddedLength, /not DER \(non-minimal length\)/);
      expect(parseOcspRequest(valid).ids).to.have.length(2);
    });

    it('an empty requestList, an unknown hash, wrong hash lengths, non-NULL hash parameters', function () {
      // pkijs's schema already refuses an empty SEQUENCE OF Request
      rejects(requestWith([]), /DER does not match|requestList is empty/);
      // MD5 (RFC 6960 names SHA-1; OpenSSL offers SHA-1 and the SHA-2 family)
      rejects(requestWith([certIdRequest('1.2.840.113549.2.5', 16)]), /1\.2\.840\.113549\.2\.5 is not SHA-1, SHA-224, SHA-256, SHA-384 or SHA-512/);
      rejects(requestWith([certIdRequest('2.16.840.1.101.3.4.2.2', 32)]), /not 48 bytes long, as sha384 requires/);
      expect(parseOcspRequest(requestWith([certIdRequest('2.16.840.1.101.3.4.2.2', 48)])).ids[0]!.hash).to.equal('sha384');
      rejects(requestWith([certIdRequest('1.3.14.3.2.26', 32)]), /not 20 bytes long/);
      rejects(requestWith([certIdRequest('1.3.14.3.2.26', 20, new asn1js.Integer({ value: 1 }))]), /parameters are not NULL/);
      expect(parseOcspRequest(requestWith([certIdRequest('1.3.14.3.2.26', 20)])).ids[0]!.serialHex).to.equal('05');
    });

    it('500 random and mutated inputs: a parsed request or OcspRequestError, nothing else', function () {
      const random = prng(0x7157a7e);
      const byte = () => Math.floor(random() * 256);
      const inputs: Buffer[] = [];
      for (let i = 0; i < 500; i++) {
        const mutated = Buffer.from(valid);
        const kind = i % 4;
        if (kind === 0) inputs.push(Buffer.from(Array.from({ length: Math.floor(random() * 200) }, byte)));
        if (kind === 1) { for (let n = 0; n < 1 + (i % 3); n++) mutated[Math.floor(random() * mutated.length)] = byte(); inputs.push(mutated); }
        if (kind === 2) inputs.push(Buffer.concat([valid.subarray(0, Math.floor(random() * valid.length)), Buffer.from([byte(), byte()])]));
        if (kind === 3) { const at = Math.floor(random() * valid.length); inputs.push(Buffer.concat([valid.subarray(0, at), Buffer.from([0x30, byte()]), valid.subarray(at)])); }
      }
      const started = Date.now();
      let parsed = 0;
      inputs.forEach((input, i) => {
        try {
          expect(parseOcspRequest(input).ids).not.to.be.empty;
          parsed++;
        } catch (e) {
          expect(e, `input #${i} ${input.toString('hex')}`).to.be.instanceOf(OcspRequestError);
        }
      });
      expect(Date.now() - started).to.be.lessThan(2000);
      expect(parsed, 'some byte changes (inside hashes) leave a valid request').to.be.greaterThan(0);
    });
  });

  describe('responses read by openssl ocsp -respin', function () {
    it('good, revoked (with reason) and unknown, exactly as set, "Response verify OK"', function () {
      const answers = [
        answer('leaf', { kind: 'good' }),
        answer('revoked', { kind: 'revoked', time: new Date(now - 2 * HOUR), reason: 'keyCompromise' }),
        answer('ocsp-signer', { kind: 'unknown' }),
      ];
      const text = readResponse(buildOcspResponse(responseOptions({ answers })), ['leaf', 'revoked', 'ocsp-signer']);
      expect(text).to.contain('Response verify OK');
      expect(text).to.match(/leaf\.pem: good\n/);
      expect(text).to.match(/revoked\.pem: revoked\n(\t.+\n)*\tReason: keyCompromise\n\tRevocation Time: /);
      expect(text).to.match(/ocsp-signer\.pem: unknown\n/);
    });

    it('a revocation without a reason', function () {
      const text = readResponse(buildOcspResponse(responseOptions({ answers: [answer('revoked', { kind: 'revoked', time: new Date(now - HOUR) })] })), ['revoked']);
      expect(text).to.contain('Response verify OK');
      expect(text).to.match(/Cert Status: revoked\n\s+Revocation Time: .+\n\s+This Update/);
    });

    it('every reason with its RFC 5280 code (openssl prints the code in hex)', function () {
      const answers = REVOCATION_REASONS.map((reason, i) =>
        answer('revoked', { kind: 'revoked', time: new Date(now - HOUR), reason }, { id: { ...idOf('revoked'), serialHex: (0x200 + i).toString(16) } }));
      const text = readResponse(buildOcspResponse(responseOptions({ answers })), ['revoked']);
      const codes = [...text.matchAll(/Revocation Reason: .* \(0x([0-9a-f]+)\)/g)].map((m) => parseInt(m[1]!, 16));
      expect(codes).to.deep.equal(REASON_CODES);
    });

    it('responderID byKey is the SHA-1 of the signer key bits (= openssl\'s SKI "hash")', function () {
      const text = readResponse(buildOcspResponse(responseOptions({ responderId: 'key' })));
      expect(text).to.contain('Response verify OK');
      expect(text).to.contain(`Responder Id: ${subjectKeyIdHex('int')}`);
    });

    it('a delegated responder with EKU OCSPSigning, included in certs, verifies', function () {
      const signer = { certDer: ca.cert('ocsp-signer').der, key: keyPairFromPem('ec-p256', ca.cert('ocsp-signer').keyPem), hash: 'sha256' as const };
      const text = readResponse(buildOcspResponse(responseOptions({ signer, certs: [signer.certDer] })));
      expect(text).to.contain('Response verify OK');
      expect(text).to.contain('Responder Id: CN = tlsgate ocsp signer');
    });

    it('a delegated responder without OCSPSigning, or left out of certs, fails', function () {
      const noEku = { certDer: ca.cert('signer-no-eku').der, key: keyPairFromPem('ec-p256', ca.cert('signer-no-eku').keyPem), hash: 'sha256' as const };
      const withoutEku = readResponse(buildOcspResponse(responseOptions({ signer: noEku, certs: [noEku.certDer] })));
      expect(withoutEku).to.contain('Response Verify Failure');
      expect(withoutEku).to.contain('missing ocspsigning usage');
      const signer = { certDer: ca.cert('ocsp-signer').der, key: keyPairFromPem('ec-p256', ca.cert('ocsp-signer').keyPem), hash: 'sha256' as const };
      const notIncluded = readResponse(buildOcspResponse(responseOptions({ signer })));
      expect(notIncluded).to.contain('Response Verify Failure');
      expect(notIncluded).to.contain('signer certificate not found');
    });

    it('another signing key fails verification (responder id unchanged)', async function () {
      const text = readResponse(buildOcspResponse(responseOptions({ signingKey: await generateKey('ec-p256') })));
      expect(text).to.contain('Response Verify Failure');
      expect(text).to.contain('Responder Id: CN = tlsgate crl-ocsp test int, O = tlsgate');
    });

    it('stale, future and too-old answers get openssl\'s status time verdicts', function () {
      const stale = readResponse(buildOcspResponse(responseOptions({ answers: [answer('leaf', { kind: 'good' }, { thisUpdate: new Date(now - 2 * DAY), nextUpdate: new Date(now - DAY) })] })));
      expect(stale).to.contain('Response verify OK');
      expect(stale).to.contain('status expired');
      const future = readResponse(buildOcspResponse(responseOptions({ answers: [answer('leaf', { kind: 'good' }, { thisUpdate: new Date(now + DAY), nextUpdate: new Date(now + 2 * DAY) })] })));
      expect(future).to.contain('status not yet valid');
      const old = buildOcspResponse(responseOptions({ answers: [{ id: idOf('leaf'), status: { kind: 'good' }, thisUpdate: new Date(now - DAY) }] }));
      expect(readResponse(old, ['leaf'], ['-no_nonce', '-status_age', '3600'])).to.contain('status too old');
      expect(readResponse(old)).not.to.match(/WARNING|status/);
    });

    it('echoes the request nonce: openssl -reqin/-respin checks it', function () {
      const nonce = Buffer.from('0f0e0d0c0b0a09080706050403020100', 'hex');
      ca.write('nonce-req.der', buildOcspRequest([idOf('leaf')], { nonce }));
      const check = (response: Buffer) => {
        ca.write('nonce-resp.der', response);
        return ca.run(['ocsp', '-reqin', 'nonce-req.der', '-respin', 'nonce-resp.der', '-issuer', ca.cert('int').path, '-CAfile', ca.cert('root').path]).output;
      };
      expect(check(buildOcspResponse(responseOptions({ nonce })))).to.match(/^Response verify OK$/m);
      expect(check(buildOcspResponse(responseOptions({ nonce: Buffer.alloc(16, 1) })))).to.contain('Nonce Verify error');
      expect(check(buildOcspResponse(responseOptions()))).to.contain('WARNING: no nonce in response');
    });

    const algorithmCases: Array<{ title: string; caId: string; leafId: string; algorithm: KeyAlgorithm; sigText: string }> = [
      { title: 'Ed25519', caId: 'ed-root', leafId: 'ed-leaf', algorithm: 'ed25519', sigText: 'Signature Algorithm: ED25519' },
      { title: 'RSA-PSS', caId: 'rsa-root', leafId: 'rsa-leaf', algorithm: 'rsa-pss-2048', sigText: 'Signature Algorithm: rsassaPss' },
    ];
    for (const c of algorithmCases) {
      it(`signed with ${c.title}: verifies`, function () {
        const signer = { certDer: ca.cert(c.caId).der, key: keyPairFromPem(c.algorithm, ca.cert(c.caId).keyPem), hash: 'sha256' as const };
        const answers = [{ ...answer(c.leafId, { kind: 'good' }), id: idOf(c.leafId, c.caId) }];
        ca.write('alg-resp.der', buildOcspResponse(responseOptions({ signer, answers })));
        const text = ca.run(['ocsp', '-respin', 'alg-resp.der', '-issuer', ca.cert(c.caId).path, '-cert', ca.cert(c.leafId).path, '-CAfile', ca.cert(c.caId).path, '-resp_text', '-no_nonce']).output;
        expect(text).to.contain('Response verify OK');
        expect(text).to.contain(c.sigText);
        expect(text).to.match(/-leaf\.pem: good/);
      });
    }

    it('each error status reads back as openssl prints it', function () {
      const statuses: Array<[OcspErrorStatus, number]> = [['malformedRequest', 1], ['internalError', 2], ['tryLater', 3], ['sigRequired', 5], ['unauthorized', 6]];
      for (const [status, code] of statuses) {
        ca.write('error.der', ocspErrorResponse(status));
        const text = ca.run(['ocsp', '-respin', 'error.der', '-resp_text']).output;
        // openssl names the statuses in lower case: "Responder Error: trylater (3)"
        expect(text).to.contain(`Responder Error: ${status.toLowerCase()} (${code})`);
      }
    });
  });

  describe('parseOcspResponse', function () {
    it('round-trips buildOcspResponse: answers, nonce, certs, responder id, signature', function () {
      const signerKey = keyPairFromPem('ec-p256', ca.cert('ocsp-signer').keyPem);
      const answers: SingleAnswer[] = [
        answer('leaf', { kind: 'good' }, { thisUpdate: new Date(now - MINUTE + 321) }),
        { id: idOf('revoked', 'int', 'sha256'), status: { kind: 'revoked', time: new Date(now - HOUR + 999), reason: 'privilegeWithdrawn' }, thisUpdate: new Date(now) },
        answer('other-leaf', { kind: 'unknown' }, { nextUpdate: new Date(now + DAY + 1) }),
      ];
      const nonce = Buffer.from('nonce!');
      const certs = [ca.cert('ocsp-signer').der, ca.cert('int').der];
      const opts = responseOptions({ signer: { certDer: certs[0]!, key: signerKey, hash: 'sha384' }, answers, nonce, certs, producedAt: new Date(now + 7) });
      const parsed = parseOcspResponse(buildOcspResponse(opts));
      expect(parsed.status).to.equal('successful');
      const basic = parsed.basic!;
      expect(basic.answers).to.deep.equal([
        { ...answers[0], thisUpdate: second(now - MINUTE + 321), nextUpdate: second(now + HOUR) },
        { ...answers[1], status: { kind: 'revoked', time: second(now - HOUR + 999), reason: 'privilegeWithdrawn' }, thisUpdate: second(now) },
        { ...answers[2], thisUpdate: second(now - MINUTE), nextUpdate: second(now + DAY + 1) },
      ]);
      expect(basic.nonce).to.deep.equal(nonce);
      expect(basic.certs).to.deep.equal(certs);
      expect(basic.producedAt).to.deep.equal(second(now));
      expect(basic.responderId).to.deep.equal({ byName: ca.cert('ocsp-signer').subjectDer });
      expect(basic.signatureAlgorithmOid).to.equal('1.2.840.10045.4.3.3');
      expect(basic.signatureAlgorithmDer).to.deep.equal(signatureAlgorithmDer('ec-p256', 'sha384'));
      expect(verifyTbs(signerKey, 'sha384', basic.tbsDer, basic.signature)).to.equal(true);
    });

    it('byKey responder id and no optional parts', function () {
      const basic = parseOcspResponse(buildOcspResponse(responseOptions({ responderId: 'key' }))).basic!;
      expect(basic.responderId).to.deep.equal({ byKey: Buffer.from(subjectKeyIdHex('int'), 'hex') });
      expect(basic.certs).to.deep.equal([]);
      expect(basic).not.to.have.property('nonce');
    });

    it('error statuses carry no basic response', function () {
      for (const status of ['malformedRequest', 'internalError', 'tryLater', 'sigRequired', 'unauthorized'] as const) {
        expect(parseOcspResponse(ocspErrorResponse(status))).to.deep.equal({ status });
      }
    });

    it('throws a clear Error on malformed input', function () {
      const der = buildOcspResponse(responseOptions());
      expect(() => parseOcspResponse(Buffer.alloc(0))).to.throw(Error, /^OCSP response: empty input/);
      expect(() => parseOcspResponse(der.subarray(0, 40))).to.throw(Error, /^OCSP response: not ASN\.1/);
      expect(() => parseOcspResponse(Buffer.concat([der, Buffer.from([5, 0])]))).to.throw(Error, /trailing byte/);
      expect(() => parseOcspResponse(buildOcspRequest([idOf('leaf')]))).to.throw(Error, /^OCSP response: DER does not match/);
      const status4 = Buffer.from(ocspErrorResponse('tryLater'));
      status4[status4.length - 1] = 4; // responseStatus 4 is unassigned
      expect(() => parseOcspResponse(status4)).to.throw(Error, /responseStatus 4 is not defined/);
    });
  });
});
