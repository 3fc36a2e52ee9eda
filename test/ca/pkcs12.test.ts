/**
 * ca/issue/pkcs12.ts against the two real consumers of a PFX: Node's TLS stack (createSecureContext and a
 * real mTLS handshake) and the openssl CLI. The PKI (root, intermediate, server and client
 * certificates) is issued with the openssl CLI in a temp folder; client keys come from ca/issue/keys.ts.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, randomBytes, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createSecureContext, createServer, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { generateKey, privateKeyPem } from '../../ca/issue/keys.js';
import { pkcs12, type Pkcs12Encryption } from '../../ca/issue/pkcs12.js';
import type { KeyAlgorithm } from '../../ca/spec/spec.js';

const PASSPHRASE = 'tlsgate-test';
const WRONG_PASSPHRASE = 'not-the-passphrase';

/** What Node 20.20.2 (OpenSSL 3.0.19) throws, as observed: the catalogue's regression #4 */
const NODE_RC2_REFUSAL = { code: 'ERR_CRYPTO_UNSUPPORTED_OPERATION', message: 'Unsupported PKCS12 PFX data' };
/** A wrong passphrase is caught by the MAC, before any decryption; Node sets no `code` on it */
const NODE_WRONG_PASSPHRASE = { code: undefined, message: 'mac verify failure' };

interface Identity {
  readonly der: Buffer;
  readonly pem: string;
  readonly keyPem: string;
}

const CA_EXTENSIONS = 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n';
const CLIENT_EXTENSIONS = 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n';
const SERVER_EXTENSIONS = 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1\n';

let dir: string;

interface OpensslResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function openssl(args: string[]): OpensslResult {
  const { status, stdout, stderr } = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  return { status, stdout, stderr };
}

function mustOpenssl(args: string[]): string {
  const result = openssl(args);
  if (result.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** `issuer` undefined: self-signed */
function issue(name: string, keyPem: string, extensions: string, issuer: string | undefined): Identity {
  writeFileSync(join(dir, `${name}.key`), keyPem, { mode: 0o600 });
  writeFileSync(join(dir, `${name}.ext`), extensions);
  mustOpenssl(['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${name}`, '-out', `${name}.csr`]);
  const signer = issuer ? ['-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`] : ['-signkey', `${name}.key`];
  mustOpenssl([
    'x509', '-req', '-in', `${name}.csr`, ...signer, '-set_serial', `0x${randomBytes(12).toString('hex')}`,
    '-days', '2', '-sha256', '-extfile', `${name}.ext`, '-out', `${name}.pem`,
  ]);
  const pem = mustOpenssl(['x509', '-in', `${name}.pem`]);
  return { der: Buffer.from(new X509Certificate(pem).raw), pem, keyPem };
}

async function issueWithNewKey(name: string, algorithm: KeyAlgorithm, extensions: string, issuer: string | undefined): Promise<Identity> {
  return issue(name, privateKeyPem(await generateKey(algorithm)), extensions, issuer);
}

function writeBundle(name: string, pfx: Buffer): string {
  const file = `${name}.p12`;
  writeFileSync(join(dir, file), pfx);
  return file;
}

const pemBlocks = (text: string, label: string): string[] =>
  text.match(new RegExp(`-----BEGIN ${label}-----[\\s\\S]+?-----END ${label}-----`, 'g')) ?? [];

const spkiOfKey = (keyPem: string): Buffer =>
  createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });

const spkiOfCert = (certPem: string): Buffer =>
  new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });

/** OpenSSL 3 reads RC2-40 only through the legacy provider */
const legacyFlag = (encryption: Pkcs12Encryption): string[] => (encryption === 'rc2-40' ? ['-legacy'] : []);

/** the thrown value of `f`, for asserting on its fields */
function thrownBy(f: () => unknown): NodeJS.ErrnoException {
  try {
    f();
  } catch (error) {
    return error as NodeJS.ErrnoException;
  }
  throw new Error('expected a throw');
}

interface ServerVerdict {
  readonly authorized: boolean;
  /** Node gives an array when the subject repeats CN */
  readonly subjectCn: string | string[] | undefined;
}

/**
 * One mTLS handshake on 127.0.0.1 with the bundle as client identity. The server trusts only the
 * root, so `authorized` also proves the bundle carried the intermediate and Node sent it.
 */
async function handshakeWithBundle(pfx: Buffer, server: Identity, root: Identity): Promise<ServerVerdict> {
  const tlsServer = createServer({ key: server.keyPem, cert: server.pem, ca: root.pem, requestCert: true, rejectUnauthorized: true });
  await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
  const serverSide = new Promise<TLSSocket>((resolve, reject) => {
    tlsServer.once('secureConnection', resolve);
    tlsServer.once('tlsClientError', reject);
  });
  const { port } = tlsServer.address() as AddressInfo;
  const client = connect({ host: '127.0.0.1', port, pfx, passphrase: PASSPHRASE, ca: root.pem });
  client.on('error', () => {}); // the server's verdict is the one under test
  try {
    const socket = await serverSide;
    const verdict = { authorized: socket.authorized, subjectCn: socket.getPeerCertificate().subject?.CN };
    socket.destroy();
    return verdict;
  } finally {
    client.destroy();
    await new Promise((resolve) => tlsServer.close(resolve));
  }
}

describe('ca/pkcs12', function () {
  let root: Identity;
  let intermediate: Identity;
  let server: Identity;

  before(async function () {
    dir = mkdtempSync(join(tmpdir(), 'tlsgate-pkcs12-'));
    root = await issueWithNewKey('root', 'ec-p256', CA_EXTENSIONS, undefined);
    intermediate = await issueWithNewKey('intermediate', 'ec-p256', CA_EXTENSIONS, 'root');
    server = await issueWithNewKey('server', 'ec-p256', SERVER_EXTENSIONS, 'root');
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const algorithm of ['ec-p256', 'rsa-2048', 'ed25519'] as const) {
    describe(`${algorithm} client identity with an intermediate`, () => {
      let client: Identity;
      before(async function () {
        this.timeout(60_000); // RSA key generation
        client = await issueWithNewKey(`client-${algorithm}`, algorithm, CLIENT_EXTENSIONS, 'intermediate');
      });

      for (const encryption of ['aes-256', '3des'] as const) {
        describe(encryption, () => {
          let pfx: Buffer;
          let file: string;
          before(async () => {
            pfx = await pkcs12(client, [intermediate], PASSPHRASE, { encryption });
            file = writeBundle(`client-${algorithm}-${encryption}`, pfx);
          });

          it('loads in Node and authenticates a real mTLS handshake', async () => {
            expect(() => createSecureContext({ pfx, passphrase: PASSPHRASE })).not.to.throw();
            const verdict = await handshakeWithBundle(pfx, server, root);
            expect(verdict).to.deep.equal({ authorized: true, subjectCn: `client-${algorithm}` });
          });

          it('openssl reads it back: the same certificates and a matching key', () => {
            mustOpenssl(['pkcs12', '-info', '-noout', '-passin', `pass:${PASSPHRASE}`, '-in', file]);
            const out = mustOpenssl(['pkcs12', '-in', file, '-passin', `pass:${PASSPHRASE}`, '-nodes']);
            const certs = pemBlocks(out, 'CERTIFICATE').map((pem) => Buffer.from(new X509Certificate(pem).raw).toString('hex'));
            expect(certs).to.deep.equal([client.der, intermediate.der].map((der) => der.toString('hex')));
            const keys = pemBlocks(out, 'PRIVATE KEY');
            expect(keys).to.have.length(1);
            expect(spkiOfKey(keys[0]!).equals(spkiOfCert(client.pem))).to.equal(true);
          });
        });
      }

      it('rc2-40: Node refuses it as unsupported while openssl -legacy reads it', async () => {
        const pfx = await pkcs12(client, [intermediate], PASSPHRASE, { encryption: 'rc2-40' });
        const file = writeBundle(`client-${algorithm}-rc2-40`, pfx);
        const error = thrownBy(() => createSecureContext({ pfx, passphrase: PASSPHRASE }));
        expect({ code: error.code, message: error.message }).to.deep.equal(NODE_RC2_REFUSAL);

        const withoutLegacy = openssl(['pkcs12', '-info', '-noout', '-passin', `pass:${PASSPHRASE}`, '-in', file]);
        expect(withoutLegacy.status).to.not.equal(0);
        expect(withoutLegacy.stderr).to.match(/unsupported.*RC2-40-CBC/);
        const out = mustOpenssl(['pkcs12', '-legacy', '-in', file, '-passin', `pass:${PASSPHRASE}`, '-nodes']);
        expect(pemBlocks(out, 'CERTIFICATE')).to.have.length(2);
        expect(Buffer.from(new X509Certificate(pemBlocks(out, 'CERTIFICATE')[0]!).raw).equals(client.der)).to.equal(true);
        expect(spkiOfKey(pemBlocks(out, 'PRIVATE KEY')[0]!).equals(spkiOfCert(client.pem))).to.equal(true);
      });
    });
  }

  describe('a wrong passphrase', () => {
    let client: Identity;
    before(async () => {
      client = await issueWithNewKey('client-wrong-passphrase', 'ec-p256', CLIENT_EXTENSIONS, 'intermediate');
    });

    for (const encryption of ['aes-256', '3des', 'rc2-40'] as const) {
      it(`${encryption}: fails the MAC in Node and in openssl`, async () => {
        const pfx = await pkcs12(client, [intermediate], PASSPHRASE, { encryption });
        const file = writeBundle(`wrong-passphrase-${encryption}`, pfx);
        const error = thrownBy(() => createSecureContext({ pfx, passphrase: WRONG_PASSPHRASE }));
        expect({ code: error.code, message: error.message }).to.deep.equal(NODE_WRONG_PASSPHRASE);
        const result = openssl(['pkcs12', ...legacyFlag(encryption), '-info', '-noout', '-passin', `pass:${WRONG_PASSPHRASE}`, '-in', file]);
        expect(result.status).to.not.equal(0);
        expect(result.stderr).to.contain('Mac verify error');
      });
    }
  });

  describe('bundle format', () => {
    let client: Identity;
    before(async () => {
      client = await issueWithNewKey('client-format', 'ec-p256', CLIENT_EXTENSIONS, 'intermediate');
    });

    const infoOf = async (encryption: Pkcs12Encryption | undefined): Promise<string> => {
      const pfx = await pkcs12(client, [intermediate], PASSPHRASE, encryption ? { encryption } : undefined);
      const file = writeBundle(`format-${encryption ?? 'default'}`, pfx);
      const { stdout, stderr } = openssl(['pkcs12', '-legacy', '-info', '-noout', '-passin', `pass:${PASSPHRASE}`, '-in', file]);
      return stdout + stderr; // openssl writes the -info lines to stderr
    };

    it('defaults to what OpenSSL 3 `pkcs12 -export` writes (PBES2/AES-256, HMAC-SHA256)', async () => {
      const info = await infoOf(undefined);
      expect(info).to.contain('MAC: sha256, Iteration 2048');
      expect(info).to.contain('PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256');
      expect(info).to.contain('Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256');
    });

    it('3des: PKCS#12 PBE 3DES for key and certificates, HMAC-SHA1', async () => {
      const info = await infoOf('3des');
      expect(info).to.contain('MAC: sha1, Iteration 2048');
      expect(info).to.contain('PKCS7 Encrypted data: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048');
      expect(info).to.contain('Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048');
    });

    it('rc2-40: RC2-40 certificates and a 3DES key, HMAC-SHA1 (the OpenSSL 1.x default)', async () => {
      const info = await infoOf('rc2-40');
      expect(info).to.contain('MAC: sha1, Iteration 2048');
      expect(info).to.contain('PKCS7 Encrypted data: pbeWithSHA1And40BitRC2-CBC, Iteration 2048');
      expect(info).to.contain('Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048');
    });

    it('marks key and leaf with the friendlyName and the same localKeyID', async () => {
      const pfx = await pkcs12(client, [intermediate], PASSPHRASE, { friendlyName: 'tlsgate client' });
      const file = writeBundle('friendly', pfx);
      const out = mustOpenssl(['pkcs12', '-in', file, '-passin', `pass:${PASSPHRASE}`, '-nodes']);
      const localKeyIds = out.match(/localKeyID: [0-9A-F ]+/g) ?? [];
      expect(localKeyIds).to.have.length(2); // leaf and key; the chain certificate has none
      expect(localKeyIds[0]).to.equal(localKeyIds[1]);
      expect(out.match(/friendlyName: tlsgate client\n/g)).to.have.length(2);
    });

    it('writes a non-ASCII friendlyName as a UTF-16BE BMPString', async () => {
      // openssl prints non-ASCII BMPString characters as '?', so look at the DER: the key bag's
      // attributes sit in a plain Data SafeContents, outside any encryption
      const name = 'tlsgate client ü';
      const pfx = await pkcs12(client, [intermediate], PASSPHRASE, { friendlyName: name });
      const utf16be = Buffer.from(name, 'utf16le').swap16();
      expect(pfx.includes(Buffer.concat([Buffer.from([0x1e, utf16be.length]), utf16be]))).to.equal(true);
    });

    it('a non-ASCII passphrase works in Node and openssl for both PBES2 and PKCS#12 PBE', async () => {
      const passphrase = 'pässwörd-ключ';
      for (const encryption of ['aes-256', '3des'] as const) {
        const pfx = await pkcs12(client, [intermediate], passphrase, { encryption });
        const file = writeBundle(`non-ascii-${encryption}`, pfx);
        expect(() => createSecureContext({ pfx, passphrase }), encryption).not.to.throw();
        mustOpenssl(['pkcs12', '-info', '-noout', '-passin', `pass:${passphrase}`, '-in', file]);
      }
    });
  });

  describe('other key types load in Node', () => {
    for (const algorithm of ['ec-p384', 'ec-p521', 'rsa-1024', 'rsa-pss-2048'] as const) {
      it(`${algorithm}: aes-256 and 3des`, async function () {
        this.timeout(60_000); // RSA key generation
        const client = await issueWithNewKey(`client-${algorithm}`, algorithm, CLIENT_EXTENSIONS, 'intermediate');
        for (const encryption of ['aes-256', '3des'] as const) {
          const pfx = await pkcs12(client, [intermediate], PASSPHRASE, { encryption });
          expect(() => createSecureContext({ pfx, passphrase: PASSPHRASE }), encryption).not.to.throw();
        }
      });
    }
  });
});
