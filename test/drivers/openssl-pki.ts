/**
 * Test PKI made with the openssl CLI: an oracle independent of tlsgate's own factory. Built once
 * per test process in a temp dir that is removed before the promise resolves; everything is
 * returned in memory.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCert {
  pem: string;
  keyPem: string;
  der: Buffer;
  /** SHA-256 fingerprint as `openssl x509 -fingerprint -sha256` prints it, lowercased, no colons */
  fingerprint: string;
}

interface CertOpts {
  subject: string;
  key?: 'ec' | 'rsa512' | 'rsa1024' | 'rsa2048';
  ca?: boolean;
  pathlen?: number;
  san?: string;
  eku?: string;
  md?: 'sha256' | 'sha1';
  /** openssl ca -startdate/-enddate, YYYYMMDDHHMMSSZ */
  start?: string;
  end?: string;
  nameConstraints?: string;
  /** write no basicConstraints at all */
  omitBasicConstraints?: boolean;
  /** keyUsage value instead of the role default */
  keyUsage?: string;
  /** extra extension lines, openssl config syntax */
  extra?: string[];
}

const CA_CONFIG = `[ca]
default_ca = d
[d]
database = index.txt
new_certs_dir = .
serial = serial.txt
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
[anything]
commonName = optional
organizationName = optional
`;

export const PKCS12_PASSPHRASE = 'tlsgate';

/** YYMMDDHHMMSSZ */
export const stamp = (d: Date) => d.toISOString().replace(/[-:T]/g, '').replace(/\.\d+Z$/, 'Z').slice(2);

interface CrlOpts {
  revoked?: string[];
  /** YYYYMMDDHHMMSSZ; default an hour ago */
  lastUpdate?: string;
  /** YYYYMMDDHHMMSSZ; default in 7 days */
  nextUpdate?: string;
}

export class OpensslPkiBuilder {
  readonly certs = new Map<string, TestCert>();
  readonly crls = new Map<string, string>();
  readonly pfx = new Map<string, string>();
  private readonly serials = new Map<string, { serial: string; subject: string; end: string }>();

  constructor(private readonly dir: string) {
    writeFileSync(join(dir, 'ca.cnf'), CA_CONFIG);
  }

  private run(args: string[]): string {
    return execFileSync('openssl', args, { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  }

  private genKey(id: string, kind: CertOpts['key'] = 'ec'): void {
    const opts = kind === 'ec' ? ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']
      : ['-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${kind.slice(3)}`];
    this.run(['genpkey', ...opts, '-out', `${id}.key`]);
    chmodSync(join(this.dir, `${id}.key`), 0o600);
  }

  private extensions(o: CertOpts): string {
    const lines = [
      o.ca ? `basicConstraints = critical, CA:true${o.pathlen !== undefined ? `, pathlen:${o.pathlen}` : ''}` : 'basicConstraints = critical, CA:false',
      `keyUsage = ${o.keyUsage ?? (o.ca || o.omitBasicConstraints ? 'critical, keyCertSign, cRLSign' : 'critical, digitalSignature, keyEncipherment')}`,
      'subjectKeyIdentifier = hash',
      'authorityKeyIdentifier = keyid',
    ];
    if (o.omitBasicConstraints) lines.shift();
    if (o.eku) lines.push(`extendedKeyUsage = ${o.eku}`);
    if (o.san) lines.push(`subjectAltName = ${o.san}`);
    if (o.nameConstraints) lines.push(`nameConstraints = critical, ${o.nameConstraints}`);
    lines.push(...(o.extra ?? []));
    return lines.join('\n') + '\n';
  }

  /** a CRL of `issuer` (PEM), via `openssl ca -gencrl` over a hand-written index */
  crl(name: string, issuer: string, o: CrlOpts = {}): void {
    const now = Date.now();
    const revokedAt = stamp(new Date(now - 7_200_000));
    const utc = (t: string) => (t.length === 15 ? t.slice(2) : t);
    const lines = (o.revoked ?? []).map((id) => {
      const c = this.serials.get(id)!;
      return ['R', utc(c.end), revokedAt, c.serial, 'unknown', c.subject].join('\t');
    });
    writeFileSync(join(this.dir, 'index.txt'), lines.map((l) => `${l}\n`).join(''));
    writeFileSync(join(this.dir, 'crlnumber'), '01\n');
    this.run([
      'ca', '-gencrl', '-config', 'ca.cnf', '-cert', `${issuer}.pem`, '-keyfile', `${issuer}.key`, '-md', 'sha256',
      '-crl_lastupdate', o.lastUpdate ?? stamp(new Date(now - 3_600_000)),
      '-crl_nextupdate', o.nextUpdate ?? stamp(new Date(now + 7 * 86_400_000)),
      '-out', `${name}.crl`,
    ]);
    this.crls.set(name, readFileSync(join(this.dir, `${name}.crl`), 'utf8'));
  }

  /** PKCS#12 of `id` (+ chain), base64; `legacy` uses OpenSSL's -legacy (RC2-40, 3DES) */
  pkcs12(name: string, id: string, chain: string[], legacy: boolean): void {
    writeFileSync(join(this.dir, 'chain.pem'), chain.map((c) => this.certs.get(c)!.pem).join(''));
    this.run([
      'pkcs12', '-export', ...(legacy ? ['-legacy'] : []), '-in', `${id}.pem`, '-inkey', `${id}.key`,
      '-certfile', 'chain.pem', '-passout', `pass:${PKCS12_PASSPHRASE}`, '-out', `${name}.p12`,
    ]);
    this.pfx.set(name, readFileSync(join(this.dir, `${name}.p12`)).toString('base64'));
  }

  /** issuer undefined = self-signed */
  add(id: string, issuer: string | undefined, o: CertOpts): void {
    this.genKey(id, o.key);
    this.run(['req', '-new', '-key', `${id}.key`, '-subj', o.subject, '-out', `${id}.csr`]);
    writeFileSync(join(this.dir, `${id}.ext`), this.extensions(o));
    writeFileSync(join(this.dir, 'index.txt'), '');
    writeFileSync(join(this.dir, 'serial.txt'), `${randomBytes(16).toString('hex').replace(/^[89a-f]/, '1')}\n`);
    const now = Date.now();
    const end = o.end ?? stamp(new Date(now + 30 * 86_400_000));
    const signer = issuer
      ? ['-cert', `${issuer}.pem`, '-keyfile', `${issuer}.key`]
      : ['-selfsign', '-keyfile', `${id}.key`];
    this.run([
      'ca', '-batch', '-notext', '-config', 'ca.cnf', ...signer, '-in', `${id}.csr`, '-out', `${id}.pem`,
      '-extfile', `${id}.ext`, '-md', o.md ?? 'sha256', '-preserveDN',
      '-startdate', o.start ?? stamp(new Date(now - 86_400_000)),
      '-enddate', end,
    ]);
    const serial = this.run(['x509', '-in', `${id}.pem`, '-noout', '-serial']).split('=')[1]!.trim();
    this.serials.set(id, { serial, subject: o.subject, end });
    const pem = readFileSync(join(this.dir, `${id}.pem`), 'utf8');
    const fingerprint = this.run(['x509', '-in', `${id}.pem`, '-noout', '-fingerprint', '-sha256'])
      .split('=')[1]!.trim().replace(/:/g, '').toLowerCase();
    this.certs.set(id, {
      pem,
      keyPem: readFileSync(join(this.dir, `${id}.key`), 'utf8'),
      der: Buffer.from(new X509Certificate(pem).raw),
      fingerprint,
    });
  }
}

export type TestPki = ReadonlyMap<string, TestCert> & {
  cert(id: string): TestCert;
  /** root.crl (empty), int.crl (revokes `revoked`, `revokedclient`), int-stale.crl (past nextUpdate), int-future.crl (future lastUpdate) */
  crl(name: string): string;
  /** client.p12 (modern), client-legacy.p12 (RC2-40), base64, passphrase PKCS12_PASSPHRASE */
  pkcs12(name: string): string;
};

function build(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'tlsgate-h4-pki-'));
  try {
    const b = new OpensslPkiBuilder(dir);
    const years = (n: number) => stamp(new Date(Date.now() + n * 365 * 86_400_000));
    const serverSan = 'DNS:localhost, IP:127.0.0.1, IP:::1';
    b.add('root', undefined, { subject: '/CN=tlsgate test root', ca: true, end: years(10) });
    b.add('int', 'root', { subject: '/CN=tlsgate test int', ca: true, end: years(5) });
    b.add('server', 'int', { subject: '/CN=localhost/O=tlsgate', san: serverSan, eku: 'serverAuth' });
    b.add('expired', 'int', { subject: '/CN=localhost', san: serverSan, eku: 'serverAuth', start: '20200101000000Z', end: '20200201000000Z' });
    b.add('notyet', 'int', { subject: '/CN=localhost', san: serverSan, eku: 'serverAuth', start: years(5), end: years(6) });
    b.add('client', 'int', { subject: '/CN=client', san: 'URI:spiffe://tlsgate.test/client', eku: 'clientAuth' });
    b.add('client2uri', 'int', { subject: '/CN=client2', san: 'URI:spiffe://tlsgate.test/a, URI:spiffe://tlsgate.test/b', eku: 'clientAuth' });
    b.add('other', undefined, { subject: '/CN=unrelated root', ca: true, end: years(10) });
    b.add('oclient', 'other', { subject: '/CN=stranger', eku: 'clientAuth' });
    b.add('selfsigned', undefined, { subject: '/CN=localhost', san: serverSan, eku: 'serverAuth' });
    b.add('clientonly', 'int', { subject: '/CN=localhost', san: serverSan, eku: 'clientAuth' });
    b.add('int0', 'root', { subject: '/CN=pathlen0 int', ca: true, pathlen: 0, end: years(5) });
    b.add('subint', 'int0', { subject: '/CN=sub int', ca: true, end: years(5) });
    b.add('deepleaf', 'subint', { subject: '/CN=localhost', san: serverSan, eku: 'serverAuth' });
    b.add('ncint', 'root', { subject: '/CN=constrained int', ca: true, nameConstraints: 'permitted;DNS:example.com', end: years(5) });
    b.add('ncleaf', 'ncint', { subject: '/CN=localhost', san: 'DNS:localhost', eku: 'serverAuth' });
    b.add('ncipint', 'root', { subject: '/CN=IP-constrained int', ca: true, nameConstraints: 'permitted;IP:127.0.0.0/255.0.0.0', end: years(5) });
    // a 5-octet iPAddress SAN (neither IPv4 nor IPv6) next to DNS:localhost: OpenSSL's name-constraint check
    // of it fails with X509_V_ERR_UNSUPPORTED_NAME_SYNTAX
    b.add('badipleaf', 'ncipint', { subject: '/CN=localhost', eku: 'serverAuth', extra: ['subjectAltName = DER:30:12:82:09:6c:6f:63:61:6c:68:6f:73:74:87:05:7f:00:00:01:01'] });
    b.add('goodipleaf', 'ncipint', { subject: '/CN=localhost', eku: 'serverAuth', san: 'DNS:localhost, IP:127.0.0.1' });
    b.add('notca', 'root', { subject: '/CN=CA false intermediate', keyUsage: 'critical, keyCertSign, cRLSign' });
    b.add('nocertsign', 'root', { subject: '/CN=no keyCertSign intermediate', ca: true, keyUsage: 'critical, digitalSignature' });
    b.add('undernocertsign', 'nocertsign', { subject: '/CN=localhost', san: serverSan, eku: 'serverAuth' });
    b.add('undernotca', 'notca', { subject: '/CN=localhost', san: serverSan, eku: 'serverAuth' });
    b.add('nobc', 'root', { subject: '/CN=no basicConstraints intermediate', omitBasicConstraints: true });
    b.add('undernobc', 'nobc', { subject: '/CN=localhost', san: serverSan, eku: 'serverAuth' });
    b.add('unknowncrit', 'int', { subject: '/CN=localhost', san: serverSan, eku: 'serverAuth', extra: ['1.3.6.1.4.1.55555.1 = critical, ASN1:NULL'] });
    b.add('rsa1024', 'int', { subject: '/CN=localhost', san: serverSan, eku: 'serverAuth', key: 'rsa1024' });
    b.add('rsa512', 'int', { subject: '/CN=localhost', san: serverSan, eku: 'serverAuth', key: 'rsa512' });
    b.add('sha1', 'int', { subject: '/CN=localhost', san: serverSan, eku: 'serverAuth', md: 'sha1' });
    b.add('revoked', 'int', { subject: '/CN=localhost', san: serverSan, eku: 'serverAuth' });
    b.add('revokedclient', 'int', { subject: '/CN=revoked client', eku: 'clientAuth' });
    b.crl('root', 'root');
    b.crl('int', 'int', { revoked: ['revoked', 'revokedclient'] });
    b.crl('int-stale', 'int', { lastUpdate: '20200101000000Z', nextUpdate: '20200102000000Z' });
    b.crl('int-future', 'int', { lastUpdate: years(1), nextUpdate: years(2) });
    b.pkcs12('client.p12', 'client', ['int'], false);
    b.pkcs12('client-legacy.p12', 'client', ['int'], true);
    const { certs, crls, pfx } = b;
    return Object.assign(certs, {
      cert(id: string): TestCert {
        const c = certs.get(id);
        if (!c) throw new Error(`test PKI has no cert '${id}'`);
        return c;
      },
      crl(name: string): string {
        const c = crls.get(name);
        if (!c) throw new Error(`test PKI has no CRL '${name}'`);
        return c;
      },
      pkcs12(name: string): string {
        const p = pfx.get(name);
        if (!p) throw new Error(`test PKI has no PKCS#12 '${name}'`);
        return p;
      },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let pki: TestPki | undefined;

/** the shared test PKI (built on first use, ~0.3 s) */
export function testPki(): TestPki {
  pki ??= build();
  return pki;
}
