/**
 * A small CA made with the openssl CLI: the independent oracle for the CRL and OCSP tests.
 * Certs and keys live in a temp dir (openssl reads files) until `cleanup()`, which the tests
 * call in `after`.
 */
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';

export interface CaCert {
  id: string;
  der: Buffer;
  pem: string;
  keyPem: string;
  /** cert and key file paths, for openssl arguments */
  path: string;
  keyPath: string;
  /** lowercase hex, the DER sign octet dropped (as `openssl x509 -serial` prints it) */
  serialHex: string;
  /** DER of the subject Name */
  subjectDer: Buffer;
}

export interface OpensslResult {
  status: number | null;
  /** stdout and stderr together: openssl splits its verdicts between them */
  output: string;
}

type KeyKind = 'ec' | 'rsa' | 'ed25519';

interface CertRequest {
  id: string;
  subject: string;
  key: KeyKind;
  /** issuer id; undefined = self-signed */
  issuer?: string;
  /** openssl config lines for the v3 extensions */
  extensions: string[];
  /** hex serial for -set_serial */
  serial: string;
}

const GENCRL_CONFIG = `[ca]
default_ca = d
[d]
database = index.txt
crlnumber = crlnumber
default_md = sha256
default_crl_days = 7
crl_extensions = crl_ext
[crl_ext]
authorityKeyIdentifier = keyid
`;

const CA_EXTENSIONS = ['basicConstraints = critical, CA:true', 'keyUsage = critical, keyCertSign, cRLSign', 'subjectKeyIdentifier = hash'];
const LEAF_EXTENSIONS = ['basicConstraints = critical, CA:false', 'keyUsage = critical, digitalSignature', 'extendedKeyUsage = serverAuth', 'subjectKeyIdentifier = hash', 'authorityKeyIdentifier = keyid'];
const KEY_OPTIONS: Readonly<Record<KeyKind, string[]>> = {
  ec: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  rsa: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
  ed25519: ['-algorithm', 'ED25519'],
};

export class OpensslCa {
  readonly dir = mkdtempSync(join(tmpdir(), 'tlsgate-ca-test-'));
  private readonly certs = new Map<string, CaCert>();
  private readonly keyKinds = new Map<string, KeyKind>();

  path(name: string): string {
    return join(this.dir, name);
  }

  write(name: string, data: string | Uint8Array): string {
    writeFileSync(this.path(name), data);
    return this.path(name);
  }

  read(name: string): Buffer {
    return readFileSync(this.path(name));
  }

  /** runs openssl in the temp dir; never throws on a non-zero exit (verdicts are the point) */
  run(args: string[]): OpensslResult {
    const r = spawnSync('openssl', args, { cwd: this.dir, encoding: 'utf8', timeout: 10_000 });
    if (r.error) throw r.error;
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  }

  /** runs openssl and throws with its output when it fails */
  runOk(args: string[]): string {
    const r = this.run(args);
    if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed:\n${r.output}`);
    return r.output;
  }

  cert(id: string): CaCert {
    const c = this.certs.get(id);
    if (!c) throw new Error(`test CA has no cert '${id}'`);
    return c;
  }

  add(req: CertRequest): CaCert {
    const key = `${req.id}.key`;
    this.keyKinds.set(req.id, req.key);
    this.runOk(['genpkey', ...KEY_OPTIONS[req.key], '-out', key]);
    this.write(`${req.id}.ext`, `[v3]\n${req.extensions.join('\n')}\n`);
    this.runOk(['req', '-new', '-key', key, '-subj', req.subject, '-out', `${req.id}.csr`]);
    const signer = req.issuer ? ['-CA', `${req.issuer}.pem`, '-CAkey', `${req.issuer}.key`] : ['-signkey', key];
    // Ed25519 signs without a separate digest; openssl refuses -sha256 for it
    const digest = this.keyKinds.get(req.issuer ?? req.id) === 'ed25519' ? [] : ['-sha256'];
    this.runOk([
      'x509', '-req', '-in', `${req.id}.csr`, ...signer, ...digest, '-days', '30', '-set_serial', `0x${req.serial}`,
      '-extfile', `${req.id}.ext`, '-extensions', 'v3', '-out', `${req.id}.pem`,
    ]);
    return this.remember(req.id);
  }

  private remember(id: string): CaCert {
    const pem = readFileSync(this.path(`${id}.pem`), 'utf8');
    const der = Buffer.from(new X509Certificate(pem).raw);
    // @peculiar/asn1-x509 parses independently of the pkijs code under test
    const tbs = AsnConvert.parse(der, Certificate).tbsCertificate;
    const cert: CaCert = {
      id, der, pem,
      keyPem: readFileSync(this.path(`${id}.key`), 'utf8'),
      path: this.path(`${id}.pem`),
      keyPath: this.path(`${id}.key`),
      serialHex: Buffer.from(tbs.serialNumber).toString('hex').replace(/^00/, ''),
      subjectDer: Buffer.from(AsnConvert.serialize(tbs.subject)),
    };
    this.certs.set(id, cert);
    return cert;
  }

  /** a DER CRL of `issuerId` made by `openssl ca -gencrl`; `reason` is openssl's name (e.g. keyCompromise) */
  opensslCrl(issuerId: string, crlNumberHex: string, revoked: ReadonlyArray<{ serialHex: string; reason: string }>): Buffer {
    const stamp = (d: Date) => d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
    const at = stamp(new Date(Date.now() - 3_600_000));
    const expiry = stamp(new Date(Date.now() + 86_400_000));
    const lines = revoked.map((r) => ['R', expiry, `${at},${r.reason}`, r.serialHex.toUpperCase(), 'unknown', '/CN=x'].join('\t'));
    this.write('index.txt', lines.map((l) => `${l}\n`).join(''));
    this.write('crlnumber', `${crlNumberHex}\n`);
    this.write('gencrl.cnf', GENCRL_CONFIG);
    this.runOk(['ca', '-gencrl', '-config', 'gencrl.cnf', '-cert', `${issuerId}.pem`, '-keyfile', `${issuerId}.key`, '-out', 'gencrl.pem']);
    this.runOk(['crl', '-in', 'gencrl.pem', '-outform', 'DER', '-out', 'gencrl.der']);
    return this.read('gencrl.der');
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** root + intermediate (P-256) with leaves and OCSP signers, an RSA-2048 CA and an Ed25519 CA */
export function buildTestCa(): OpensslCa {
  const ca = new OpensslCa();
  try {
    addTestCerts(ca);
  } catch (e) {
    ca.cleanup(); // the caller never gets `ca`, so its `after` cannot remove the dir
    throw e;
  }
  return ca;
}

function addTestCerts(ca: OpensslCa): void {
  ca.add({ id: 'root', subject: '/CN=tlsgate crl-ocsp test root', key: 'ec', extensions: CA_EXTENSIONS, serial: '01' });
  ca.add({ id: 'int', subject: '/CN=tlsgate crl-ocsp test int/O=tlsgate', key: 'ec', issuer: 'root', extensions: [...CA_EXTENSIONS, 'authorityKeyIdentifier = keyid'], serial: '02' });
  ca.add({ id: 'other-int', subject: '/CN=tlsgate other int', key: 'ec', issuer: 'root', extensions: [...CA_EXTENSIONS, 'authorityKeyIdentifier = keyid'], serial: '03' });
  ca.add({ id: 'leaf', subject: '/CN=good leaf', key: 'ec', issuer: 'int', extensions: LEAF_EXTENSIONS, serial: '1a2b3c4d5e6f' });
  // a serial with the top bit set: DER needs a leading 00 that the serial hex leaves out
  ca.add({ id: 'revoked', subject: '/CN=revoked leaf', key: 'ec', issuer: 'int', extensions: LEAF_EXTENSIONS, serial: '8badf00d0123456789' });
  ca.add({ id: 'other-leaf', subject: '/CN=other leaf', key: 'ec', issuer: 'other-int', extensions: LEAF_EXTENSIONS, serial: '0777' });
  const signerBase = ['basicConstraints = critical, CA:false', 'keyUsage = critical, digitalSignature', 'subjectKeyIdentifier = hash', 'authorityKeyIdentifier = keyid'];
  ca.add({ id: 'ocsp-signer', subject: '/CN=tlsgate ocsp signer', key: 'ec', issuer: 'int', extensions: [...signerBase, 'extendedKeyUsage = OCSPSigning', 'noCheck = ignored'], serial: '0a' });
  ca.add({ id: 'signer-no-eku', subject: '/CN=tlsgate signer without eku', key: 'ec', issuer: 'int', extensions: [...signerBase, 'extendedKeyUsage = serverAuth'], serial: '0b' });
  ca.add({ id: 'rsa-root', subject: '/CN=tlsgate rsa root', key: 'rsa', extensions: CA_EXTENSIONS, serial: '11' });
  ca.add({ id: 'rsa-leaf', subject: '/CN=rsa leaf', key: 'ec', issuer: 'rsa-root', extensions: LEAF_EXTENSIONS, serial: '12' });
  ca.add({ id: 'ed-root', subject: '/CN=tlsgate ed25519 root', key: 'ed25519', extensions: CA_EXTENSIONS, serial: '21' });
  ca.add({ id: 'ed-leaf', subject: '/CN=ed25519 leaf', key: 'ec', issuer: 'ed-root', extensions: LEAF_EXTENSIONS, serial: '22' });
}
