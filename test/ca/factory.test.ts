/**
 * The certificate factory (ca/issue/factory.ts and what it uses), checked against an independent
 * oracle: the openssl CLI (`x509 -text`/`-ext`, `verify`) reads every certificate the factory
 * writes. Plus the material cache (keys 0600, warm runs, concurrent runs) and spec validation.
 */
import { expect } from 'chai';
import { createPublicKey, X509Certificate } from 'node:crypto';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { issuePki } from '../../ca/issue/factory.js';
import { pemBlock } from '../../ca/asn1/pem-blocks.js';
import { packageRoot } from '../../harness/model/paths.js';
import type { IssuedCert, Materials } from '../../ca/issue/materials.js';
import type { CertSpec, KeyAlgorithm, PkiSpec, SignatureHash } from '../../ca/spec/spec.js';
import { PkiSpecError, validatePkiSpec } from '../../ca/spec/validate-spec.js';
import { listFiles, openssl, opensslDate, opensslOk, run, tempDir } from './helpers.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** the repository (the same from the sources under tsx and from dist/ under npm test) */
const REPO = packageRoot();

type Temp = Awaited<ReturnType<typeof tempDir>>;

/** writes every cert of `m` as `<id>.pem` into `dir` */
async function saveAll(m: Materials, dir: string): Promise<void> {
  await Promise.all([...m.certs.values()].map((c) => writeFile(join(dir, `${c.id}.pem`), c.pem)));
}

/** SHA-256 of the SPKI: which key a cert or key PEM holds */
const spkiOfCert = (c: IssuedCert): string => new X509Certificate(c.der).publicKey.export({ type: 'spki', format: 'der' }).toString('hex');
const spkiOfKeyPem = (pem: string): string => createPublicKey(pem).export({ type: 'spki', format: 'der' }).toString('hex');

const THREE_LEVEL: PkiSpec = {
  certs: [
    { id: 'root', role: 'root', subject: 'CN=Factory Test Root,O=tlsgate', basicConstraints: { ca: true, pathLen: 1 } },
    {
      id: 'int', role: 'intermediate', issuer: 'root', subject: 'CN=Factory Test Int,O=tlsgate',
      basicConstraints: { ca: true, pathLen: 0 },
      nameConstraints: {
        permitted: { dns: ['example.com'], ip: ['127.0.0.0/8', '::1/128'] },
        excluded: { dns: ['bad.example.com'], ip: ['127.66.0.0/16'] },
      },
      crlDistributionPoints: ['http://127.0.0.1:1/root.crl'],
    },
    {
      id: 'server', role: 'server', issuer: 'int', subject: 'CN=www.example.com,O=tlsgate',
      san: { dns: ['www.example.com', 'api.example.com'], ip: ['127.0.0.1', '::1'], uri: ['spiffe://example.com/ns/default/sa/web'], email: ['ops@example.com'] },
      crlDistributionPoints: ['http://127.0.0.1:1/int.crl'],
      ocsp: ['http://127.0.0.1:2/ocsp/int'],
      caIssuers: ['http://127.0.0.1:1/int.crt'],
      policies: ['2.23.140.1.2.1', '1.3.6.1.4.1.55555.7'],
      mustStaple: true,
    },
    { id: 'client', role: 'client', issuer: 'int', subject: 'CN=client,O=tlsgate' },
    { id: 'ocsp-signer', role: 'ocsp-signer', issuer: 'int', subject: 'CN=OCSP Signer,O=tlsgate' },
    // name constraints and pathLen must be enforced by openssl: these fail on purpose
    { id: 'outside', role: 'server', issuer: 'int', subject: 'CN=outside,O=tlsgate', san: { dns: ['www.evil.org'] } },
    { id: 'excluded', role: 'server', issuer: 'int', subject: 'CN=excluded,O=tlsgate', san: { dns: ['x.bad.example.com'] } },
    { id: 'excluded-ip', role: 'server', issuer: 'int', subject: 'CN=excluded ip,O=tlsgate', san: { ip: ['127.66.1.2'] } },
    { id: 'sub', role: 'intermediate', issuer: 'int', subject: 'CN=Sub CA,O=tlsgate' },
    { id: 'sub-leaf', role: 'server', issuer: 'sub', subject: 'CN=sub leaf,O=tlsgate', san: { dns: ['sub.example.com'] } },
  ],
};

describe('ca/factory: issuePki checked by the openssl CLI', function () {
  this.timeout(60_000);

  describe('a 3-level PKI (root, intermediate, server, client, ocsp-signer)', function () {
    let tmp: Temp;
    let m: Materials;
    const path = (id: string) => tmp.file(`${id}.pem`);
    const ext = (id: string, names: string) => opensslOk(['x509', '-in', path(id), '-noout', '-ext', names]);
    const verify = (id: string, untrusted: string[] = ['int'], extra: string[] = []) =>
      openssl(['verify', ...extra, '-CAfile', path('root'), ...untrusted.flatMap((u) => ['-untrusted', path(u)]), path(id)]);

    before(async function () {
      tmp = await tempDir('tlsgate-factory-');
      m = await issuePki(THREE_LEVEL, { cacheDir: tmp.file('cache') });
      await saveAll(m, tmp.dir);
    });
    after(async () => tmp?.cleanup());

    it('openssl verify accepts the server, client and ocsp-signer leaves under root + intermediate', async function () {
      for (const id of ['server', 'client', 'ocsp-signer']) {
        const r = await verify(id);
        expect(r.output, id).to.contain(`${path(id)}: OK`);
        expect(r.code, id).to.equal(0);
      }
      // and only because the intermediate is there: without it the chain breaks
      const alone = await verify('server', []);
      expect(alone.code).to.not.equal(0);
      expect(alone.output).to.contain('unable to get local issuer certificate');
    });

    it('the server leaf passes openssl\'s sslserver purpose check, the client leaf the sslclient one, not the other way round', async function () {
      expect((await verify('server', ['int'], ['-purpose', 'sslserver'])).code).to.equal(0);
      expect((await verify('client', ['int'], ['-purpose', 'sslclient'])).code).to.equal(0);
      const wrong = await verify('client', ['int'], ['-purpose', 'sslserver']);
      expect(wrong.output).to.contain('unsuitable certificate purpose');
    });

    it('basicConstraints: critical, CA:TRUE with the spec\'s pathlen on CAs, CA:FALSE on leaves', async function () {
      expect(await ext('root', 'basicConstraints')).to.match(/X509v3 Basic Constraints: critical\s+CA:TRUE, pathlen:1\b/);
      expect(await ext('int', 'basicConstraints')).to.match(/X509v3 Basic Constraints: critical\s+CA:TRUE, pathlen:0\b/);
      expect(await ext('sub', 'basicConstraints')).to.match(/X509v3 Basic Constraints: critical\s+CA:TRUE\s*$/);
      for (const id of ['server', 'client', 'ocsp-signer']) expect(await ext(id, 'basicConstraints'), id).to.match(/critical\s+CA:FALSE/);
    });

    it('pathlen:0 on the intermediate is enforced: a CA below it breaks the chain', async function () {
      const r = await verify('sub-leaf', ['int', 'sub']);
      expect(r.output).to.contain('path length constraint exceeded');
    });

    it('keyUsage (critical) and extendedKeyUsage by role', async function () {
      expect(await ext('root', 'keyUsage')).to.match(/Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign/);
      expect(await ext('int', 'keyUsage')).to.match(/Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign/);
      expect(await ext('server', 'keyUsage,extendedKeyUsage')).to.match(/Key Usage: critical\s+Digital Signature\s+X509v3 Extended Key Usage:\s*\n\s+TLS Web Server Authentication\s*$/);
      expect(await ext('client', 'extendedKeyUsage')).to.match(/Extended Key Usage:\s*\n\s+TLS Web Client Authentication\s*$/);
      expect(await ext('ocsp-signer', 'extendedKeyUsage')).to.match(/Extended Key Usage:\s*\n\s+OCSP Signing\s*$/);
      expect(await ext('root', 'extendedKeyUsage')).to.not.contain('Extended Key Usage');
    });

    it('subjectAltName: DNS, IPv4, IPv6, URI (spiffe://) and email, in that order', async function () {
      const text = await ext('server', 'subjectAltName');
      expect(text).to.contain('DNS:www.example.com, DNS:api.example.com, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, URI:spiffe://example.com/ns/default/sa/web, email:ops@example.com');
      expect(text).to.not.match(/Subject Alternative Name: critical/);
      // and Node, a second reader, agrees
      expect(new X509Certificate(m.get('server').der).subjectAltName).to.equal(
        'DNS:www.example.com, DNS:api.example.com, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, URI:spiffe://example.com/ns/default/sa/web, email:ops@example.com');
    });

    it('nameConstraints: critical, permitted and excluded DNS and IP ranges exactly as given', async function () {
      const text = await ext('int', 'nameConstraints');
      expect(text).to.match(/X509v3 Name Constraints: critical\s+Permitted:\s+DNS:example\.com\s+IP:127\.0\.0\.0\/255\.0\.0\.0\s+IP:0:0:0:0:0:0:0:1\/FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF\s+Excluded:\s+DNS:bad\.example\.com\s+IP:127\.66\.0\.0\/255\.255\.0\.0\s*$/);
    });

    it('openssl enforces those name constraints: outside the permitted DNS tree, in the excluded DNS and IP trees', async function () {
      expect((await verify('outside')).output).to.contain('permitted subtree violation');
      expect((await verify('excluded')).output).to.contain('excluded subtree violation');
      expect((await verify('excluded-ip')).output).to.contain('excluded subtree violation');
    });

    it('CRL distribution points and AIA (OCSP + caIssuers) with the given URLs', async function () {
      const text = await ext('server', 'crlDistributionPoints,authorityInfoAccess');
      expect(text).to.match(/CRL Distribution Points:\s+Full Name:\s+URI:http:\/\/127\.0\.0\.1:1\/int\.crl/);
      expect(text).to.match(/Authority Information Access:\s+OCSP - URI:http:\/\/127\.0\.0\.1:2\/ocsp\/int\s+CA Issuers - URI:http:\/\/127\.0\.0\.1:1\/int\.crt/);
      expect(await ext('int', 'crlDistributionPoints')).to.contain('URI:http://127.0.0.1:1/root.crl');
      expect(await ext('client', 'crlDistributionPoints,authorityInfoAccess')).to.not.match(/Distribution|Information Access/);
    });

    it('SKI/AKI: each AKI equals its issuer\'s SKI; the self-signed root has no AKI', async function () {
      const ski = async (id: string) => /Subject Key Identifier:\s*\n\s+([0-9A-F:]+)/.exec(await ext(id, 'subjectKeyIdentifier'))?.[1];
      const aki = async (id: string) => /Authority Key Identifier:\s*\n\s+(?:keyid:)?([0-9A-F:]+)/.exec(await ext(id, 'authorityKeyIdentifier'))?.[1];
      const [rootSki, intSki, serverSki, serverAki, intAki, clientAki] = await Promise.all([ski('root'), ski('int'), ski('server'), aki('server'), aki('int'), aki('client')]);
      expect(rootSki).to.match(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
      expect(serverAki).to.equal(intSki);
      expect(clientAki).to.equal(intSki);
      expect(intAki).to.equal(rootSki);
      expect(new Set([rootSki, intSki, serverSki]).size).to.equal(3);
      expect(await ext('root', 'authorityKeyIdentifier')).to.not.contain('Authority Key Identifier');
    });

    it('certificate policies, TLS feature status_request (must-staple) only where the spec asks', async function () {
      const text = await ext('server', 'certificatePolicies,tlsfeature');
      expect(text).to.match(/Certificate Policies:\s+Policy: 2\.23\.140\.1\.2\.1\s+Policy: 1\.3\.6\.1\.4\.1\.55555\.7/);
      expect(text).to.match(/TLS Feature:\s+status_request/);
      expect(await ext('client', 'certificatePolicies,tlsfeature')).to.not.match(/Policies|TLS Feature/);
    });

    it('OCSP No Check on the ocsp-signer only', async function () {
      expect(await ext('ocsp-signer', 'noCheck')).to.contain('OCSP No Check');
      for (const id of ['server', 'client', 'int']) expect(await ext(id, 'noCheck'), id).to.not.contain('OCSP No Check');
    });

    it('IssuedCert metadata matches the DER: serialHex, dates, isCa, issuerId, pathToRoot', async function () {
      const server = m.get('server');
      const out = await opensslOk(['x509', '-in', path('server'), '-noout', '-serial', '-dates']);
      expect(out).to.contain(`serial=${server.serialHex.toUpperCase()}`);
      expect(out).to.contain(`notBefore=${opensslDate(server.notBefore)}`);
      expect(out).to.contain(`notAfter=${opensslDate(server.notAfter)}`);
      expect(server.isCa).to.equal(false);
      expect(m.get('int').isCa).to.equal(true);
      expect(server.issuerId).to.equal('int');
      expect(m.pathToRoot('server')).to.deep.equal(['server', 'int', 'root']);
      expect(spkiOfKeyPem(server.keyPem)).to.equal(spkiOfCert(server));
    });

    it('explicit serials are DER-minimal and positive: openssl x509 reads back the value given', async function () {
      const max = `7f${'ff'.repeat(19)}`; // the largest 20-octet positive INTEGER
      const serials: Array<[given: string, printed: string]> = [
        ['0001', '01'], ['00ff', 'FF'], ['1', '01'], ['7f', '7F'], ['80', '80'], ['ff', 'FF'], ['0100', '0100'],
        [max, max.toUpperCase()], [`0000${max}`, max.toUpperCase()], [`80${'00'.repeat(18)}`, `80${'00'.repeat(18)}`],
      ];
      const spec: PkiSpec = {
        certs: [
          { id: 'root', role: 'root', subject: 'CN=Serial Root', serial: '0001' },
          ...serials.map(([given], i): CertSpec => ({ id: `s${i}`, role: 'server', issuer: 'root', subject: `CN=s${i}`, serial: given })),
        ],
      };
      expect(validatePkiSpec(spec)).to.deep.equal([]);
      const m = await issuePki(spec);
      const printed = await Promise.all(serials.map(async (_, i) => (await opensslOk(['x509', '-serial', '-noout'], { input: m.certs.get(`s${i}`)!.pem })).trim()));
      expect(printed).to.deep.equal(serials.map(([, p]) => `serial=${p}`));
      expect((await opensslOk(['x509', '-serial', '-noout'], { input: m.certs.get('root')!.pem })).trim()).to.equal('serial=01');
      // the INTEGER's content octets: 20 for the maximum, with no 00 pad; 80.. gets one (positive)
      const integerLength = async (id: string) => {
        const parsed = await opensslOk(['asn1parse', '-inform', 'DER', '-strparse', '4'], { input: m.certs.get(id)!.der });
        return Number(/^\s*\d+:d=1\s+hl=\d+\s+l=\s*(\d+)\s+prim:\s+INTEGER/m.exec(parsed)?.[1]);
      };
      expect(await integerLength(`s${serials.findIndex(([g]) => g === max)}`)).to.equal(20);
      expect(await integerLength(`s${serials.findIndex(([g]) => g === '80')}`)).to.equal(2);
      expect(await integerLength(`s${serials.findIndex(([g]) => g === '0001')}`)).to.equal(1);
    });

    it('serials: positive, at least 64 bits, distinct across certs and across issuances', async function () {
      const again = await issuePki(THREE_LEVEL); // memory only: a new issuance, new serials
      const serials: string[] = [];
      for (const set of [m, again]) {
        for (const c of set.certs.values()) {
          const text = await opensslOk(['x509', '-noout', '-text'], { input: c.pem });
          const serial = /Serial Number:\s*\n?\s*([0-9a-f:]+)/.exec(text)?.[1]?.replace(/:/g, '');
          expect(text, c.id).to.not.contain('Negative');
          expect(serial, c.id).to.be.a('string');
          expect(serial!.length, `${c.id} serial ${serial}`).to.be.at.least(16); // >= 8 bytes
          expect(BigInt(`0x${serial}`) > 0n).to.equal(true);
          serials.push(serial!);
        }
      }
      expect(new Set(serials).size).to.equal(serials.length);
      // random, not a counter: the high halves differ too
      expect(new Set(serials.map((s) => s.slice(0, 8))).size).to.equal(serials.length);
    });
  });

  describe('every key type and signature hash', function () {
    const KEYS: KeyAlgorithm[] = ['ec-p256', 'ec-p384', 'ec-p521', 'rsa-512', 'rsa-1024', 'rsa-2048', 'rsa-pss-2048', 'ed25519'];
    const HASHES: SignatureHash[] = ['sha256', 'sha384', 'sha512', 'sha1', 'md5'];
    const valid = (k: KeyAlgorithm, h: SignatureHash): boolean => {
      if (k === 'ed25519') return h === 'sha256'; // Ed25519 ignores the hash
      if (k.startsWith('ec-') && h === 'md5') return false;
      if (k === 'rsa-pss-2048' && h === 'md5') return false;
      if (k === 'rsa-512' && (h === 'sha384' || h === 'sha512')) return false;
      return true;
    };
    const combos = KEYS.flatMap((k) => HASHES.filter((h) => valid(k, h)).map((h) => ({ k, h, id: `leaf-${k}-${h}` })));
    const certs: CertSpec[] = [
      ...KEYS.map((k): CertSpec => ({ id: `ca-${k}`, role: 'root', subject: `CN=Root ${k},O=tlsgate`, key: k })),
      ...combos.map(({ k, h, id }): CertSpec => ({ id, role: 'server', issuer: `ca-${k}`, subject: `CN=${id},O=tlsgate`, key: k, signature: h })),
      // the slow RSA sizes: one each
      { id: 'ca-rsa-3072', role: 'root', subject: 'CN=Root rsa-3072,O=tlsgate', key: 'rsa-3072' },
      { id: 'leaf-rsa-4096-sha384', role: 'server', issuer: 'ca-rsa-3072', subject: 'CN=rsa-4096 leaf,O=tlsgate', key: 'rsa-4096', signature: 'sha384' },
    ];
    let tmp: Temp;
    let m: Materials;

    const PUBLIC_KEY: Readonly<Record<KeyAlgorithm, RegExp>> = {
      'ec-p256': /Public Key Algorithm: id-ecPublicKey\s+Public-Key: \(256 bit\)[\s\S]*ASN1 OID: prime256v1/,
      'ec-p384': /Public Key Algorithm: id-ecPublicKey\s+Public-Key: \(384 bit\)[\s\S]*ASN1 OID: secp384r1/,
      'ec-p521': /Public Key Algorithm: id-ecPublicKey\s+Public-Key: \(521 bit\)[\s\S]*ASN1 OID: secp521r1/,
      'rsa-512': /Public Key Algorithm: rsaEncryption\s+Public-Key: \(512 bit\)/,
      'rsa-1024': /Public Key Algorithm: rsaEncryption\s+Public-Key: \(1024 bit\)/,
      'rsa-2048': /Public Key Algorithm: rsaEncryption\s+Public-Key: \(2048 bit\)/,
      'rsa-3072': /Public Key Algorithm: rsaEncryption\s+Public-Key: \(3072 bit\)/,
      'rsa-4096': /Public Key Algorithm: rsaEncryption\s+Public-Key: \(4096 bit\)/,
      // a plain RSA key (rsaEncryption SPKI) that signs with PSS
      'rsa-pss-2048': /Public Key Algorithm: rsaEncryption\s+Public-Key: \(2048 bit\)/,
      ed25519: /Public Key Algorithm: ED25519/,
    };
    const HASH_NAME: Readonly<Record<SignatureHash, string>> = { sha256: 'SHA256', sha384: 'SHA384', sha512: 'SHA512', sha1: 'SHA1', md5: 'MD5' };
    const signatureAlgorithm = (issuerKey: KeyAlgorithm, h: SignatureHash): RegExp => {
      if (issuerKey === 'ed25519') return /Signature Algorithm: ED25519/;
      if (issuerKey.startsWith('ec-')) return new RegExp(`Signature Algorithm: ecdsa-with-${HASH_NAME[h]}\\b`);
      // openssl prints the PSS parameters after the outer "Signature Value:" label; "(default)" marks sha1 left out as DER wants
      if (issuerKey === 'rsa-pss-2048') return new RegExp(`Signature Algorithm: rsassaPss\\s+(?:Signature Value:\\s+)?Hash Algorithm: ${h}(?: \\(default\\))?\\s+Mask Algorithm: mgf1 with ${h}(?: \\(default\\))?\\s+Salt Length: 0x${({ sha256: 32, sha384: 48, sha512: 64, sha1: 20, md5: 16 })[h].toString(16)}\\b`);
      return new RegExp(`Signature Algorithm: ${h}WithRSAEncryption\\b`);
    };

    before(async function () {
      tmp = await tempDir('tlsgate-algs-');
      m = await issuePki({ certs }, { cacheDir: tmp.file('cache') });
      await saveAll(m, tmp.dir);
    });
    after(async () => tmp?.cleanup());

    const text = (id: string) => opensslOk(['x509', '-in', tmp.file(`${id}.pem`), '-noout', '-text']);
    const verify = (caId: string, id: string, level: number) =>
      openssl(['verify', '-auth_level', String(level), '-CAfile', tmp.file(`${caId}.pem`), tmp.file(`${id}.pem`)]);
    /** what openssl demands at auth level 1 (the TLS default): >= 80-bit keys, no SHA-1/MD5 */
    const weak = (k: KeyAlgorithm, h: SignatureHash) => k === 'rsa-512' || h === 'sha1' || h === 'md5';

    for (const { k, h, id } of combos) {
      it(`${k} key, signed ${k === 'ed25519' ? 'Ed25519' : `with ${h}`}: openssl shows both algorithms and verifies it`, async function () {
        const t = await text(id);
        expect(t).to.match(PUBLIC_KEY[k]);
        // the cert's signature appears twice (TBS and outer); both must name the algorithm
        expect(t.match(new RegExp(signatureAlgorithm(k, h).source, 'g'))?.length ?? 0, t).to.equal(2);
        const lenient = await verify(`ca-${k}`, id, 0);
        expect(lenient.output).to.contain(': OK');
        const strict = await verify(`ca-${k}`, id, 1);
        if (weak(k, h)) {
          expect(strict.code).to.not.equal(0);
          expect(strict.output).to.match(k === 'rsa-512' ? /key too weak/ : /CA signature digest algorithm too weak/);
        } else {
          expect(strict.output).to.contain(': OK');
        }
      });
    }

    it('default hashes: sha256 for P-256/RSA, sha384 for P-384, sha512 for P-521 (self-signed roots)', async function () {
      expect(await text('ca-ec-p256')).to.match(/Signature Algorithm: ecdsa-with-SHA256/);
      expect(await text('ca-ec-p384')).to.match(/Signature Algorithm: ecdsa-with-SHA384/);
      expect(await text('ca-ec-p521')).to.match(/Signature Algorithm: ecdsa-with-SHA512/);
      expect(await text('ca-rsa-2048')).to.match(/Signature Algorithm: sha256WithRSAEncryption/);
      expect(await text('ca-rsa-pss-2048')).to.match(/Signature Algorithm: rsassaPss\s+Hash Algorithm: sha256/);
    });

    it('rsa-3072 root and rsa-4096 leaf: right sizes, and the chain verifies', async function () {
      expect(await text('ca-rsa-3072')).to.match(PUBLIC_KEY['rsa-3072']);
      const leaf = await text('leaf-rsa-4096-sha384');
      expect(leaf).to.match(PUBLIC_KEY['rsa-4096']);
      expect(leaf).to.match(/Signature Algorithm: sha384WithRSAEncryption/);
      expect((await verify('ca-rsa-3072', 'leaf-rsa-4096-sha384', 1)).output).to.contain(': OK');
    });

    it('keyUsage follows the key: RSA server leaves get keyEncipherment, EC and Ed25519 ones do not', async function () {
      const ku = (id: string) => opensslOk(['x509', '-in', tmp.file(`${id}.pem`), '-noout', '-ext', 'keyUsage']);
      expect(await ku('leaf-rsa-2048-sha256')).to.match(/Digital Signature, Key Encipherment/);
      expect(await ku('leaf-ec-p256-sha256')).to.not.contain('Key Encipherment');
      expect(await ku('leaf-ed25519-sha256')).to.not.contain('Key Encipherment');
    });
  });

  describe('broken variants', function () {
    let tmp: Temp;
    const spec: PkiSpec = {
      certs: [
        { id: 'root', role: 'root', subject: 'CN=Broken Root,O=tlsgate' },
        { id: 'int', role: 'intermediate', issuer: 'root', subject: 'CN=Broken Int,O=tlsgate' },
        { id: 'bad-signature', role: 'server', issuer: 'int', subject: 'CN=bad signature', broken: { badSignature: true } },
        { id: 'bad-signature-rsa', role: 'server', issuer: 'int-rsa', subject: 'CN=bad signature rsa', broken: { badSignature: true } },
        { id: 'int-rsa', role: 'intermediate', issuer: 'root', subject: 'CN=Broken Int RSA,O=tlsgate', key: 'rsa-1024' },
        { id: 'wrong-issuer', role: 'server', issuer: 'int', subject: 'CN=wrong issuer', broken: { wrongIssuerName: 'CN=Somebody Else,O=elsewhere' } },
        { id: 'unknown-critical', role: 'server', issuer: 'int', subject: 'CN=unknown critical', broken: { unknownCriticalExtension: true } },
        { id: 'int-no-bc', role: 'intermediate', issuer: 'root', subject: 'CN=Int without basicConstraints', broken: { omitBasicConstraints: true } },
        { id: 'leaf-no-bc', role: 'server', issuer: 'int-no-bc', subject: 'CN=below no bc' },
        { id: 'int-ca-false', role: 'intermediate', issuer: 'root', subject: 'CN=Int CA false', basicConstraints: { ca: false } },
        { id: 'leaf-ca-false', role: 'server', issuer: 'int-ca-false', subject: 'CN=below ca false' },
        { id: 'leaf-ca-true', role: 'server', issuer: 'int', subject: 'CN=leaf with ca true', basicConstraints: { ca: true } },
        { id: 'below-leaf', role: 'server', issuer: 'leaf-ca-true', subject: 'CN=issued by a leaf' },
        { id: 'no-kid', role: 'server', issuer: 'int', subject: 'CN=no key ids', broken: { omitKeyIdentifiers: true } },
      ],
    };
    const p = (id: string) => tmp.file(`${id}.pem`);
    const verify = (id: string, untrusted: string[], extra: string[] = []) =>
      openssl(['verify', ...extra, '-CAfile', p('root'), ...untrusted.flatMap((u) => ['-untrusted', p(u)]), p(id)]);

    before(async function () {
      tmp = await tempDir('tlsgate-broken-');
      await saveAll(await issuePki(spec), tmp.dir);
    });
    after(async () => tmp?.cleanup());

    it('badSignature: "certificate signature failure" (EC and RSA), and only the signature differs from a sound cert', async function () {
      for (const [id, int] of [['bad-signature', 'int'], ['bad-signature-rsa', 'int-rsa']] as const) {
        const r = await verify(id, [int]);
        expect(r.output, id).to.contain('certificate signature failure');
        expect(r.output, id).to.match(/error 7 at 0 depth/);
      }
    });

    it('wrongIssuerName: the issuer DN is the given one, and openssl finds no issuer', async function () {
      expect(await opensslOk(['x509', '-in', p('wrong-issuer'), '-noout', '-issuer'])).to.contain('issuer=CN = Somebody Else, O = elsewhere');
      const r = await verify('wrong-issuer', ['int']);
      expect(r.output).to.contain('unable to get local issuer certificate');
    });

    it('unknownCriticalExtension: "unhandled critical extension"', async function () {
      const text = await opensslOk(['x509', '-in', p('unknown-critical'), '-noout', '-text']);
      expect(text).to.match(/1\.3\.6\.1\.4\.1\.55555\.1: critical/);
      expect((await verify('unknown-critical', ['int'])).output).to.contain('unhandled critical extension');
    });

    it('omitBasicConstraints on an intermediate: no basicConstraints at all, "invalid CA certificate"', async function () {
      const text = await opensslOk(['x509', '-in', p('int-no-bc'), '-noout', '-text']);
      expect(text).to.not.contain('Basic Constraints');
      expect(text).to.contain('Certificate Sign'); // still a CA in every other respect
      const r = await verify('leaf-no-bc', ['int-no-bc']);
      expect(r.output).to.contain('invalid CA certificate');
      expect(r.output).to.match(/error 79 at 1 depth/);
    });

    it('an intermediate with CA:FALSE: "invalid CA certificate"', async function () {
      expect(await opensslOk(['x509', '-in', p('int-ca-false'), '-noout', '-ext', 'basicConstraints'])).to.match(/critical\s+CA:FALSE/);
      const r = await verify('leaf-ca-false', ['int-ca-false']);
      expect(r.output).to.contain('invalid CA certificate');
    });

    it('a leaf with basicConstraints ca:true: CA:TRUE written, verifies itself, but without keyCertSign cannot issue', async function () {
      expect(await opensslOk(['x509', '-in', p('leaf-ca-true'), '-noout', '-ext', 'basicConstraints,keyUsage'])).to.match(/critical\s+CA:TRUE\s+X509v3 Key Usage: critical\s+Digital Signature\s*$/);
      expect((await verify('leaf-ca-true', ['int'])).output).to.contain(': OK');
      const below = await verify('below-leaf', ['int', 'leaf-ca-true']);
      expect(below.code).to.not.equal(0);
      expect(below.output).to.match(/key usage does not include certificate signing|invalid CA certificate/);
    });

    it('omitKeyIdentifiers: no SKI/AKI, which openssl -x509_strict refuses ("Missing Authority Key Identifier")', async function () {
      expect(await opensslOk(['x509', '-in', p('no-kid'), '-noout', '-text'])).to.not.match(/Key Identifier/);
      expect((await verify('no-kid', ['int'])).output).to.contain(': OK');
      expect((await verify('no-kid', ['int'], ['-x509_strict'])).output).to.contain('Missing Authority Key Identifier');
    });
  });

  describe('validity', function () {
    let tmp: Temp;
    const p = (id: string) => tmp.file(`${id}.pem`);
    before(async () => { tmp = await tempDir('tlsgate-validity-'); });
    after(async () => tmp?.cleanup());

    it('defaults: notBefore -1d; notAfter +90d for leaves, +3650d for CAs (relative to a rounded now, never later than now)', async function () {
      const now = new Date();
      const m = await issuePki({ certs: [
        { id: 'root', role: 'root', subject: 'CN=Validity Root' },
        { id: 'leaf', role: 'server', issuer: 'root', subject: 'CN=validity leaf' },
      ] }, { now });
      for (const [id, days] of [['root', 3650], ['leaf', 90]] as const) {
        const c = m.get(id);
        // notBefore: -1d from an anchor at most 10% of a day before now
        expect(c.notBefore.getTime(), id).to.be.at.most(now.getTime() - DAY);
        expect(c.notBefore.getTime(), id).to.be.above(now.getTime() - DAY - DAY / 10);
        expect(c.notAfter.getTime() - c.notBefore.getTime(), id).to.equal((days + 1) * DAY);
        const out = await opensslOk(['x509', '-noout', '-dates'], { input: c.pem });
        expect(out).to.contain(`notBefore=${opensslDate(c.notBefore)}`);
        expect(out).to.contain(`notAfter=${opensslDate(c.notAfter)}`);
      }
    });

    it('explicit absolute dates are written exactly (UTCTime before 2050, GeneralizedTime from 2050)', async function () {
      const m = await issuePki({ certs: [
        { id: 'abs', role: 'root', subject: 'CN=Absolute', validity: { notBefore: '2025-03-04T05:06:07Z', notAfter: '2051-02-03T04:05:06Z' } },
        { id: 'offset', role: 'root', subject: 'CN=Offset zone', validity: { notBefore: '2025-03-04T05:06:07+02:00', notAfter: '2049-12-31' } },
      ] });
      await saveAll(m, tmp.dir);
      const dates = await opensslOk(['x509', '-in', p('abs'), '-noout', '-dates']);
      expect(dates).to.contain('notBefore=Mar  4 05:06:07 2025 GMT');
      expect(dates).to.contain('notAfter=Feb  3 04:05:06 2051 GMT');
      const asn1 = await opensslOk(['asn1parse', '-in', p('abs')]);
      expect(asn1).to.contain('UTCTIME           :250304050607Z');
      expect(asn1).to.contain('GENERALIZEDTIME   :20510203040506Z');
      const offset = await opensslOk(['x509', '-in', p('offset'), '-noout', '-dates']);
      expect(offset).to.contain('notBefore=Mar  4 03:06:07 2025 GMT');
      expect(offset).to.contain('notAfter=Dec 31 00:00:00 2049 GMT');
    });

    it('notAfter: -1m is really expired and notBefore: +30m really not yet valid (openssl verify, against the wall clock)', async function () {
      const now = Date.now();
      const m = await issuePki({ certs: [
        { id: 'root', role: 'root', subject: 'CN=Validity Root 2' },
        { id: 'expired', role: 'server', issuer: 'root', subject: 'CN=expired', validity: { notAfter: '-1m' } },
        { id: 'future', role: 'server', issuer: 'root', subject: 'CN=future', validity: { notBefore: '+30m' } },
      ] }, { now: new Date(now) });
      await saveAll(m, tmp.dir);
      expect(m.get('expired').notAfter.getTime()).to.be.at.most(now - MINUTE);
      expect(m.get('expired').notAfter.getTime()).to.be.above(now - 3 * MINUTE);
      expect(m.get('future').notBefore.getTime()).to.be.above(now + 25 * MINUTE);
      expect(m.get('future').notBefore.getTime()).to.be.at.most(now + 30 * MINUTE);
      const expired = await openssl(['verify', '-CAfile', p('root'), p('expired')]);
      expect(expired.output).to.contain('certificate has expired');
      const future = await openssl(['verify', '-CAfile', p('root'), p('future')]);
      expect(future.output).to.contain('certificate is not yet valid');
    });

    it('a future offset under a minute stays in the future (cacheAnchor must not round it across now)', async function () {
      // 50 s past a whole minute: a 1-minute quantum would put "+30s" 20 s in the past
      const now = new Date('2030-01-01T00:00:50Z');
      const m = await issuePki({ certs: [{ id: 'r', role: 'root', subject: 'CN=soon', validity: { notBefore: '+30s', notAfter: '+1d' } }] }, { now });
      expect(m.get('r').notBefore.getTime(), `notBefore ${m.get('r').notBefore.toISOString()} for now ${now.toISOString()}`).to.be.above(now.getTime());
    });

    it('a relative window is judged against opts.now, the same clock the factory issues with', async function () {
      // valid for this `now`: notBefore 2031-01-01, notAfter now+400d = 2031-02-05
      const now = new Date('2030-01-01T00:00:00Z');
      const spec: PkiSpec = { certs: [{ id: 'r', role: 'root', subject: 'CN=later', validity: { notBefore: '2031-01-01T00:00:00Z', notAfter: '+400d' } }] };
      const m = await issuePki(spec, { now });
      expect(m.get('r').notBefore.toISOString()).to.equal('2031-01-01T00:00:00.000Z');
      expect(m.get('r').notAfter.toISOString()).to.equal('2031-02-05T00:00:00.000Z');
    });
  });

  describe('the material cache', function () {
    this.timeout(60_000);
    const SPEC: PkiSpec = {
      certs: [
        { id: 'root', role: 'root', subject: 'CN=Cache Root,O=tlsgate' },
        { id: 'int', role: 'intermediate', issuer: 'root', subject: 'CN=Cache Int,O=tlsgate', key: 'rsa-2048' },
        { id: 'leaf', role: 'server', issuer: 'int', subject: 'CN=cache.example.com', san: { dns: ['cache.example.com'] } },
        { id: 'cross', role: 'intermediate', issuer: 'root', subject: 'CN=Cache Int,O=tlsgate', keyFrom: 'int' },
      ],
    };
    let tmp: Temp;
    let cacheDir: string;
    let cold: Materials;
    let coldFiles: Awaited<ReturnType<typeof listFiles>>;
    const now = new Date();

    before(async function () {
      tmp = await tempDir('tlsgate-cache-');
      cacheDir = tmp.file('cache');
      cold = await issuePki(SPEC, { cacheDir, now });
      coldFiles = await listFiles(cacheDir);
    });
    after(async () => tmp?.cleanup());

    const keyFiles = (files: Map<string, { mode: number }>) => [...files.keys()].filter((f) => f.startsWith('keys/') && !f.endsWith('/'));
    const certFiles = (files: Map<string, { mode: number }>) => [...files.keys()].filter((f) => f.startsWith('issued/') && !f.endsWith('/'));

    it('a cold run writes one key per key owner (keyFrom shares) and one cert per spec entry, keys mode 0600', async function () {
      expect(keyFiles(coldFiles)).to.have.length(3); // root, int (shared by cross), leaf
      expect(certFiles(coldFiles)).to.have.length(4);
      for (const f of keyFiles(coldFiles)) {
        expect(f).to.match(/\.key$/);
        expect(coldFiles.get(f)!.mode, f).to.equal(0o600);
        const pem = await readFile(join(cacheDir, f), 'utf8');
        expect(pem).to.match(/^-----BEGIN PRIVATE KEY-----/);
      }
      expect(spkiOfCert(cold.get('cross'))).to.equal(spkiOfCert(cold.get('int')));
      // each stored key is the key of one of the certs
      const stored = await Promise.all(keyFiles(coldFiles).map(async (f) => spkiOfKeyPem(await readFile(join(cacheDir, f), 'utf8'))));
      expect(new Set(stored)).to.deep.equal(new Set(['root', 'int', 'leaf'].map((id) => spkiOfCert(cold.get(id)))));
    });

    it('leaves no *.tmp files behind', async function () {
      expect([...coldFiles.keys()].filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);
    });

    it('a warm run (same process) returns byte-identical certs and writes or rewrites nothing', async function () {
      const warm = await issuePki(SPEC, { cacheDir, now });
      for (const id of ['root', 'int', 'leaf', 'cross']) expect(warm.get(id).der.equals(cold.get(id).der), id).to.equal(true);
      const files = await listFiles(cacheDir);
      expect([...files.keys()].sort()).to.deep.equal([...coldFiles.keys()].sort());
      // folders too: a temp file written and removed again (a cache miss) changes its folder's mtime
      for (const [f, info] of files) {
        expect(info.mtimeMs, f).to.equal(coldFiles.get(f)!.mtimeMs);
        expect(info.ino, f).to.equal(coldFiles.get(f)!.ino);
      }
    });

    it('a warm run that must read the keys from disk (another KeyStore on the same folder) also matches byte for byte', async function () {
      // `${dir}/.` names the same folder but is a different KeyStore key: nothing in memory
      const warm = await issuePki(SPEC, { cacheDir: `${cacheDir}/.`, now });
      for (const id of ['root', 'int', 'leaf', 'cross']) {
        expect(warm.get(id).der.equals(cold.get(id).der), id).to.equal(true);
        expect(warm.get(id).keyPem).to.equal(cold.get(id).keyPem);
      }
      const files = await listFiles(cacheDir);
      expect([...files.keys()].sort()).to.deep.equal([...coldFiles.keys()].sort());
      // nothing rewritten (same inode, same size); a read records its use in the mtime (cache pruning)
      for (const [f, info] of files) {
        expect(info.ino, f).to.equal(coldFiles.get(f)!.ino);
        expect(info.size, f).to.equal(coldFiles.get(f)!.size);
        if (f.endsWith('/')) expect(info.mtimeMs, f).to.equal(coldFiles.get(f)!.mtimeMs); // no temp file came and went
        else expect(info.mtimeMs, f).to.be.at.least(coldFiles.get(f)!.mtimeMs);
      }
    });

    it('a run two days later issues new certificates with the same keys, and leaves the key files untouched', async function () {
      const later = await issuePki(SPEC, { cacheDir: `${cacheDir}/./`, now: new Date(now.getTime() + 2 * DAY) });
      for (const id of ['root', 'int', 'leaf']) {
        expect(later.get(id).der.equals(cold.get(id).der), id).to.equal(false);
        expect(later.get(id).notBefore.getTime() - cold.get(id).notBefore.getTime(), id).to.equal(2 * DAY);
        expect(spkiOfCert(later.get(id)), id).to.equal(spkiOfCert(cold.get(id)));
        expect(later.get(id).keyPem).to.equal(cold.get(id).keyPem);
      }
      const files = await listFiles(cacheDir);
      expect(keyFiles(files).sort()).to.deep.equal(keyFiles(coldFiles).sort());
      for (const f of keyFiles(files)) expect(files.get(f)!.ino, f).to.equal(coldFiles.get(f)!.ino);
      expect(certFiles(files)).to.have.length(8); // the old four plus four new
      expect([...files.keys()].filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);
      // and the new chain verifies
      const t = await tempDir('tlsgate-later-');
      try {
        await saveAll(later, t.dir);
        const at = String(Math.floor(now.getTime() / 1000) + 2 * 86_400);
        expect((await openssl(['verify', '-attime', at, '-CAfile', t.file('root.pem'), '-untrusted', t.file('int.pem'), t.file('leaf.pem')])).output).to.contain(': OK');
      } finally {
        await t.cleanup();
      }
    });

    it('a cached certificate cut short, or with bytes added, is issued again and stored whole; an untouched one is used as it is', async function () {
      const dir = tmp.file('damaged');
      const first = await issuePki(SPEC, { cacheDir: dir, now });
      const byId = new Map<string, string>();
      for (const f of certFiles(await listFiles(dir))) {
        const der = new X509Certificate(await readFile(join(dir, f), 'utf8')).raw;
        byId.set(['root', 'int', 'leaf', 'cross'].find((id) => first.get(id).der.equals(der))!, f);
      }
      const pemOf = (der: Buffer) => pemBlock(der, 'CERTIFICATE');
      const cut = first.get('leaf').der.subarray(0, -7);
      const padded = Buffer.concat([first.get('int').der, Buffer.from([0, 0])]);
      // the oracle: Node's (OpenSSL's) parser refuses the cut one. It reads the padded one's first
      // element and ignores the rest; tlsgate never writes such a file, and does not trust one
      expect(() => new X509Certificate(cut)).to.throw();
      await writeFile(join(dir, byId.get('leaf')!), pemOf(cut));
      await writeFile(join(dir, byId.get('int')!), pemOf(padded));

      // a link names the same folder but no certificate this process has in memory
      await symlink(dir, `${dir}-link`);
      const again = await issuePki(SPEC, { cacheDir: `${dir}-link`, now });
      expect(again.get('root').der.equals(first.get('root').der), 'untouched: used as it is').to.equal(true);
      for (const [id, damaged] of [['int', padded], ['leaf', cut]] as const) {
        expect(again.get(id).der.equals(damaged), `${id}: not the damaged bytes`).to.equal(false);
        expect(() => new X509Certificate(again.get(id).der), `${id}: whole`).to.not.throw();
        const stored = new X509Certificate(await readFile(join(dir, byId.get(id)!), 'utf8'));
        expect(stored.raw.equals(again.get(id).der), `${id}: the new one is stored whole`).to.equal(true);
      }
      // the reissued intermediate signs what it issues now: the chain verifies
      const t = await tempDir('tlsgate-damaged-');
      try {
        await saveAll(again, t.dir);
        expect((await openssl(['verify', '-CAfile', t.file('root.pem'), '-untrusted', t.file('int.pem'), t.file('leaf.pem')])).output).to.contain(': OK');
      } finally {
        await t.cleanup();
      }
    });

    it('two concurrent issuePki calls on one empty folder (same and different KeyStores) end with the same keys and certs', async function () {
      const dir = tmp.file('concurrent');
      const [a, b, c] = await Promise.all([
        issuePki(SPEC, { cacheDir: dir, now }),
        issuePki(SPEC, { cacheDir: dir, now }),
        issuePki(SPEC, { cacheDir: `${dir}/`, now }),
      ]);
      for (const id of ['root', 'int', 'leaf', 'cross']) {
        expect(b.get(id).keyPem, id).to.equal(a.get(id).keyPem);
        expect(c.get(id).keyPem, id).to.equal(a.get(id).keyPem);
        expect(b.get(id).der.equals(a.get(id).der), id).to.equal(true);
        expect(c.get(id).der.equals(a.get(id).der), id).to.equal(true);
      }
      const files = await listFiles(dir);
      expect(keyFiles(files)).to.have.length(3);
      expect(certFiles(files)).to.have.length(4);
      expect([...files.keys()].filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);
      // what is on disk is what they returned
      const stored = await Promise.all(keyFiles(files).map(async (f) => spkiOfKeyPem(await readFile(join(dir, f), 'utf8'))));
      expect(new Set(stored)).to.deep.equal(new Set(['root', 'int', 'leaf'].map((id) => spkiOfCert(a.get(id)))));
    });

    it('two processes issuing into one empty folder at once end with identical keys and certs', async function () {
      const dir = tmp.file('two-processes');
      const script = tmp.file('issue.mts');
      const spec: PkiSpec = { certs: SPEC.certs.map(({ key: _key, ...c }) => (c.keyFrom ? c : { ...c, key: 'rsa-2048' })) };
      await mkdir(dir, { recursive: true });
      await writeFile(script, [
        `import { issuePki } from ${JSON.stringify(join(REPO, 'ca/issue/factory.ts'))};`,
        `const m = await issuePki(${JSON.stringify(spec)}, { cacheDir: ${JSON.stringify(dir)}, now: new Date(${now.getTime()}) });`,
        'const out = {};',
        'for (const c of m.certs.values()) out[c.id] = { key: c.keyPem, fp: c.fingerprint256 };',
        'process.stdout.write(JSON.stringify(out));',
      ].join('\n'));
      const tsx = join(REPO, 'node_modules/.bin/tsx');
      const [r1, r2] = await Promise.all([run(tsx, [script], { cwd: REPO, timeoutMs: 50_000 }), run(tsx, [script], { cwd: REPO, timeoutMs: 50_000 })]);
      expect(r1.code, r1.stderr).to.equal(0);
      expect(r2.code, r2.stderr).to.equal(0);
      const o1 = JSON.parse(r1.stdout) as Record<string, { key: string; fp: string }>;
      const o2 = JSON.parse(r2.stdout) as Record<string, { key: string; fp: string }>;
      expect(Object.keys(o1).sort()).to.deep.equal(['cross', 'int', 'leaf', 'root']);
      for (const id of Object.keys(o1)) {
        expect(o2[id]!.key, id).to.equal(o1[id]!.key);
        expect(o2[id]!.fp, id).to.equal(o1[id]!.fp);
      }
      const files = await listFiles(dir);
      expect(keyFiles(files)).to.have.length(3);
      expect([...files.keys()].filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);
      for (const f of keyFiles(files)) expect(files.get(f)!.mode, f).to.equal(0o600);
    });
  });

  describe('validatePkiSpec and PkiSpecError', function () {
    const base = (): CertSpec[] => [
      { id: 'root', role: 'root', subject: 'CN=Spec Root' },
      { id: 'int', role: 'intermediate', issuer: 'root', subject: 'CN=Spec Int' },
    ];
    let tmp: Temp;
    before(async () => { tmp = await tempDir('tlsgate-spec-'); });
    after(async () => tmp?.cleanup());

    interface Case {
      name: string;
      certs: CertSpec[];
      path: Array<string | number>;
      message: RegExp;
      hint: RegExp;
    }
    const cases: Case[] = [
      {
        name: 'unknown key type',
        certs: [...base(), { id: 'leaf', role: 'server', issuer: 'int', subject: 'CN=l', key: 'ec-p999' as KeyAlgorithm }],
        path: ['certs', 2, 'key'], message: /unknown key type 'ec-p999'/, hint: /use one of .*ec-p256.*ed25519/,
      },
      {
        name: 'impossible window (notAfter before notBefore)',
        certs: [...base(), { id: 'leaf', role: 'server', issuer: 'int', subject: 'CN=l', validity: { notBefore: '+1d', notAfter: '-1d' } }],
        path: ['certs', 2, 'validity'], message: /impossible validity window/, hint: /notBefore: -30d, notAfter: -1d/,
      },
      {
        name: 'impossible window against the default notAfter (notBefore +91d on a leaf, default +90d)',
        certs: [...base(), { id: 'leaf', role: 'server', issuer: 'int', subject: 'CN=l', validity: { notBefore: '+91d' } }],
        path: ['certs', 2, 'validity'], message: /impossible validity window|notAfter/, hint: /notAfter/,
      },
      {
        name: 'unknown issuer',
        certs: [...base(), { id: 'leaf', role: 'server', issuer: 'nobody', subject: 'CN=l' }],
        path: ['certs', 2, 'issuer'], message: /unknown issuer 'nobody'/, hint: /known ids: root, int, leaf.*omit issuer/,
      },
      {
        name: 'issuer cycle a -> b -> a',
        certs: [...base(), { id: 'a', role: 'intermediate', issuer: 'b', subject: 'CN=a' }, { id: 'b', role: 'intermediate', issuer: 'a', subject: 'CN=b' }],
        path: ['certs', 2, 'issuer'], message: /issuer cycle: a -> b -> a/, hint: /self-signed/,
      },
      {
        name: 'keyFrom cycle',
        certs: [...base(), { id: 'a', role: 'root', keyFrom: 'b', subject: 'CN=a' }, { id: 'b', role: 'root', keyFrom: 'a', subject: 'CN=b' }],
        path: ['certs', 2, 'keyFrom'], message: /keyFrom cycle: a -> b -> a/, hint: /own key/,
      },
      {
        name: 'duplicate id',
        certs: [...base(), { id: 'int', role: 'server', issuer: 'root', subject: 'CN=dup' }],
        path: ['certs', 2, 'id'], message: /duplicate id 'int'/, hint: /own id/,
      },
      {
        name: 'bad IP SAN',
        certs: [...base(), { id: 'leaf', role: 'server', issuer: 'int', subject: 'CN=l', san: { ip: ['127.0.0.1', '300.1.2.3'] } }],
        path: ['certs', 2, 'san', 'ip', 1], message: /'300\.1\.2\.3' is not an IPv4 or IPv6 address/, hint: /\d+\.\d+\.\d+\.\d+|::1/,
      },
      {
        name: 'bad CIDR',
        certs: [{ id: 'root', role: 'root', subject: 'CN=Spec Root', nameConstraints: { excluded: { ip: ['10.0.0.0/33'] } } }],
        path: ['certs', 0, 'nameConstraints', 'excluded', 'ip', 0], message: /'10\.0\.0\.0\/33' is not an address range/, hint: /CIDR/,
      },
      {
        name: 'md5 with an ECDSA issuer',
        certs: [...base(), { id: 'leaf', role: 'server', issuer: 'int', subject: 'CN=l', signature: 'md5' }],
        path: ['certs', 2, 'signature'], message: /ec-p256 key cannot sign with md5/, hint: /another signature hash|RSA issuer/,
      },
      {
        name: 'sha512 with an rsa-512 issuer',
        certs: [{ id: 'root', role: 'root', subject: 'CN=Weak Root', key: 'rsa-512' }, { id: 'leaf', role: 'server', issuer: 'root', subject: 'CN=l', signature: 'sha512' }],
        path: ['certs', 1, 'signature'], message: /RSA-512 key is too small for a sha512 signature/, hint: /sha256/,
      },
      {
        name: 'serial zero (RFC 5280: positive)',
        certs: [...base(), { id: 'leaf', role: 'server', issuer: 'int', subject: 'CN=l', serial: '000' }],
        path: ['certs', 2, 'serial'], message: /serial '000' is zero/, hint: /positive hex number.*20 DER octets.*RFC 5280/,
      },
      {
        name: 'serial of 21 DER octets (ff x 20 needs a 00 in front)',
        certs: [...base(), { id: 'leaf', role: 'server', issuer: 'int', subject: 'CN=l', serial: 'ff'.repeat(20) }],
        path: ['certs', 2, 'serial'], message: /takes 21 octets in DER, over the 20/, hint: /00 byte before a first byte of 80-ff/,
      },
      {
        name: 'serial that is not hex',
        certs: [...base(), { id: 'leaf', role: 'server', issuer: 'int', subject: 'CN=l', serial: '0x1f' }],
        path: ['certs', 2, 'serial'], message: /serial '0x1f' is not a hex number/, hint: /positive hex number/,
      },
      {
        name: 'empty serial',
        certs: [...base(), { id: 'leaf', role: 'server', issuer: 'int', subject: 'CN=l', serial: '' }],
        path: ['certs', 2, 'serial'], message: /serial '' is not a hex number/, hint: /positive hex number/,
      },
    ];

    for (const c of cases) {
      it(`${c.name}: a problem at ${JSON.stringify(c.path)} with a hint, and issuePki rejects writing nothing`, async function () {
        const spec: PkiSpec = { certs: c.certs };
        const problems = validatePkiSpec(spec);
        const at = problems.filter((p) => JSON.stringify(p.path) === JSON.stringify(c.path));
        expect(at, `problems: ${JSON.stringify(problems)}`).to.have.length(1);
        expect(at[0]!.message).to.match(c.message);
        expect(at[0]!.hint, `hint of ${JSON.stringify(at[0])}`).to.be.a('string');
        expect(at[0]!.hint).to.match(c.hint);

        const cacheDir = tmp.file(c.name.replace(/\W+/g, '-'));
        let error: unknown;
        try {
          await issuePki(spec, { cacheDir });
        } catch (e) {
          error = e;
        }
        expect(error).to.be.instanceOf(PkiSpecError);
        expect((error as PkiSpecError).name).to.equal('PkiSpecError');
        expect((error as PkiSpecError).problems).to.deep.equal(problems);
        expect((error as Error).message).to.contain(at[0]!.message);
        expect((await listFiles(cacheDir)).size).to.equal(0);
      });
    }

    it('a sound spec has no problems (the checks above are not just always-on)', function () {
      expect(validatePkiSpec({ certs: [...base(), { id: 'leaf', role: 'server', issuer: 'int', subject: 'CN=l', san: { ip: ['127.0.0.1', '::1'] }, signature: 'sha384' }] })).to.deep.equal([]);
      expect(validatePkiSpec(THREE_LEVEL)).to.deep.equal([]);
    });

    it('PkiSpecError.message names every problem with its path', function () {
      const err = new PkiSpecError([{ path: ['certs', 2, 'san', 'ip', 1], message: 'bad', hint: 'fix it' }]);
      expect(err.message).to.contain('certs[2].san.ip[1]: bad (fix it)');
    });
  });
});
