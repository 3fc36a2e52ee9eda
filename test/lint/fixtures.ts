/**
 * Certificate files for the lint tests, made with the openssl CLI at test time (an issuer
 * independent of tlsgate's own factory) in a temp folder: one file per case, each built to hold
 * exactly one problem, plus a clean folder. Every certificate lives 90 days and names a CRL and
 * an OCSP URL unless its case is about that, so no case trips a rule it is not about.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpensslPkiBuilder, PKCS12_PASSPHRASE, stamp } from '../drivers/openssl-pki.js';

export { PKCS12_PASSPHRASE };

const DAY = 86_400_000;
const CDP = 'crlDistributionPoints = URI:http://crl.lint.test/int.crl';
const AIA = 'authorityInfoAccess = OCSP;URI:http://ocsp.lint.test';
const POINTERS = [CDP, AIA];

/** the lint config the fixtures are linted under (tlsgate.config.yaml in the project folder) */
export const LINT_CONFIG = `lint:
  classes:
    - name: batch jobs
      match: { spiffeId: "spiffe://lint.test/ns/batch/**" }
      maxTtl: 1h
    - name: payments
      match: { san: "*.payments.lint.test" }
      maxTtl: 24h
      keyTypes: [ec-p256, ed25519]
    - name: mesh
      match: { subject: "*O=mesh*" }
      svid: true
`;

/** file (under files/) -> the rule ids its lint must report, no more, no fewer */
export const EXPECTED: Readonly<Record<string, readonly string[]>> = {
  'expired.pem': ['expired'],
  'near-expiry.pem': ['expires-soon'],
  'over-ttl.pem': ['lifetime-over-policy'],
  'payments-rsa.pem': ['key-type-not-allowed'],
  'svid-two-uris.pem': ['svid-uri-san'],
  'svid-wrong-scheme.pem': ['svid-id'],
  'svid-ca-leaf.pem': ['svid-leaf-ca', 'svid-key-usage'],
  'rsa1024.pem': ['weak-key'],
  'sha1.der': ['weak-signature'],
  'must-staple.pem': ['must-staple-without-responder'],
  'no-pointers.pem': ['missing-revocation-info'],
  'svid-over-ttl.pem': ['lifetime-over-policy'],
  'misordered.pem': ['bundle-order'],
  'leaf-not-first.pem': ['bundle-order'],
  'missing-intermediate.pem': ['bundle-missing-intermediate'],
  'duplicate.pem': ['duplicate'],
  'orphan.pem': ['orphan'],
  'wildcard-mid.pem': ['name-wildcard'],
  'ip-in-dns.pem': ['name-ip-in-dns-san'],
  'ip-cn-only.pem': ['name-ip-in-cn'],
  'cn-only.pem': ['name-cn-fallback'],
  'ip-san-cn-host.pem': ['name-cn-fallback'],
};

export interface LintFixtures {
  /** the project folder (holds tlsgate.config.yaml) */
  dir: string;
  /** dir/files: one file per EXPECTED entry */
  files: string;
  /** dir/clean: a full chain, a root, an SVID and a PKCS#12 bundle with no finding */
  clean: string;
  /** DER/PEM of some fixtures, for the oracles */
  pem: (id: string) => string;
  /** the openssl working folder (certificates and keys by id) */
  work: string;
  cleanup: () => void;
}

export function buildLintFixtures(): LintFixtures {
  const dir = mkdtempSync(join(tmpdir(), 'tlsgate-lint-'));
  const work = join(dir, 'openssl');
  const files = join(dir, 'files');
  const clean = join(dir, 'clean');
  for (const d of [work, files, clean]) mkdirSync(d);
  try {
    const b = new OpensslPkiBuilder(work);
    const at = (days: number) => stamp(new Date(Date.now() + days * DAY));
    const leaf = { start: at(-1), end: at(90), eku: 'serverAuth', extra: POINTERS };
    b.add('root', undefined, { subject: '/CN=lint root/O=tlsgate', ca: true, end: at(3650) });
    b.add('int', 'root', { subject: '/CN=lint int/O=tlsgate', ca: true, end: at(1800), extra: [CDP] });
    b.add('good', 'int', { ...leaf, subject: '/CN=api.lint.test', san: 'DNS:api.lint.test' });
    b.add('svid', 'int', { ...leaf, subject: '/O=mesh', eku: 'serverAuth, clientAuth', san: 'URI:spiffe://lint.test/ns/prod/sa/web' });
    b.add('expired', 'int', { ...leaf, subject: '/CN=old.lint.test', san: 'DNS:old.lint.test', start: '20200101000000Z', end: '20200201000000Z' });
    b.add('near', 'int', { ...leaf, subject: '/CN=soon.lint.test', san: 'DNS:soon.lint.test', start: at(-60), end: at(5) });
    b.add('overttl', 'int', { ...leaf, subject: '/CN=api.payments.lint.test', san: 'DNS:api.payments.lint.test' });
    b.add('paymentsrsa', 'int', { ...leaf, key: 'rsa2048', subject: '/CN=db.payments.lint.test', san: 'DNS:db.payments.lint.test', start: stamp(new Date(Date.now() - 3_600_000)), end: stamp(new Date(Date.now() + 11 * 3_600_000)) });
    b.add('twouris', 'int', { ...leaf, subject: '/O=tlsgate', eku: 'serverAuth, clientAuth', san: 'URI:spiffe://lint.test/ns/prod/sa/a, URI:spiffe://lint.test/ns/prod/sa/b' });
    b.add('wrongscheme', 'int', { ...leaf, subject: '/CN=web/O=mesh', eku: 'serverAuth, clientAuth', san: 'URI:https://lint.test/ns/prod/sa/web' });
    b.add('batchsvid', 'int', { ...leaf, subject: '/O=tlsgate', eku: 'serverAuth, clientAuth', san: 'URI:spiffe://lint.test/ns/batch/sa/nightly' });
    b.add('caleaf', 'int', { ...leaf, subject: '/O=tlsgate', ca: true, eku: 'serverAuth, clientAuth', san: 'URI:spiffe://lint.test/ns/prod/sa/ca-leaf' });
    b.add('rsa1024', 'int', { ...leaf, key: 'rsa1024', subject: '/CN=weak.lint.test', san: 'DNS:weak.lint.test' });
    b.add('sha1', 'int', { ...leaf, md: 'sha1', subject: '/CN=sha1.lint.test', san: 'DNS:sha1.lint.test' });
    b.add('staple', 'int', { ...leaf, subject: '/CN=staple.lint.test', san: 'DNS:staple.lint.test', extra: [CDP, 'tlsfeature = status_request'] });
    b.add('nopointers', 'int', { ...leaf, subject: '/CN=bare.lint.test', san: 'DNS:bare.lint.test', extra: [] });
    b.add('stranger-root', undefined, { subject: '/CN=stranger root', ca: true, end: at(3650) });
    b.add('stranger', 'stranger-root', { ...leaf, subject: '/CN=stranger.lint.test', san: 'DNS:stranger.lint.test' });
    b.add('wildmid', 'int', { ...leaf, subject: '/CN=wild.lint.test', san: 'DNS:a.*.lint.test' });
    b.add('ipdns', 'int', { ...leaf, subject: '/CN=ip.lint.test', san: 'DNS:127.0.0.1' });
    b.add('ipcn', 'int', { ...leaf, subject: '/CN=127.0.0.1' });
    b.add('cnonly', 'int', { ...leaf, subject: '/CN=cn.lint.test' });
    b.add('ipsan', 'int', { ...leaf, subject: '/CN=ipsan.lint.test', san: 'IP:127.0.0.1' });
    const pem = (id: string) => b.certs.get(id)!.pem;
    const write = (folder: string, name: string, ...ids: string[]) => writeFileSync(join(folder, name), ids.map(pem).join(''));
    write(clean, 'fullchain.pem', 'good', 'int');
    write(clean, 'root.crt', 'root');
    write(clean, 'svid.pem', 'svid', 'int');
    b.pkcs12('svid.p12', 'svid', ['int'], false);
    writeFileSync(join(clean, 'svid.p12'), Buffer.from(b.pfx.get('svid.p12')!, 'base64'));
    writeFileSync(join(clean, 'svid.key'), b.certs.get('svid')!.keyPem, { mode: 0o600 });
    write(files, 'root.pem', 'root');
    write(files, 'expired.pem', 'expired');
    write(files, 'near-expiry.pem', 'near');
    write(files, 'over-ttl.pem', 'overttl');
    write(files, 'payments-rsa.pem', 'paymentsrsa');
    write(files, 'svid-two-uris.pem', 'twouris');
    write(files, 'svid-wrong-scheme.pem', 'wrongscheme');
    write(files, 'svid-ca-leaf.pem', 'caleaf');
    write(files, 'rsa1024.pem', 'rsa1024');
    writeFileSync(join(files, 'sha1.der'), b.certs.get('sha1')!.der);
    write(files, 'must-staple.pem', 'staple');
    write(files, 'no-pointers.pem', 'nopointers');
    write(files, 'svid-over-ttl.pem', 'batchsvid');
    write(files, 'misordered.pem', 'good', 'root', 'int');
    write(files, 'leaf-not-first.pem', 'int', 'good');
    write(files, 'missing-intermediate.pem', 'good', 'root');
    write(files, 'duplicate.pem', 'good', 'int', 'int');
    write(files, 'orphan.pem', 'good', 'int', 'stranger');
    write(files, 'wildcard-mid.pem', 'wildmid');
    write(files, 'ip-in-dns.pem', 'ipdns');
    write(files, 'ip-cn-only.pem', 'ipcn');
    write(files, 'cn-only.pem', 'cnonly');
    write(files, 'ip-san-cn-host.pem', 'ipsan');
    writeFileSync(join(dir, 'tlsgate.config.yaml'), LINT_CONFIG);
    return { dir, files, clean, work, pem, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** `openssl verify` at an auth level: the independent oracle for key and digest strength */
export function opensslVerify(work: string, level: number, cert: string): { ok: boolean; output: string } {
  try {
    const output = execFileSync('openssl', ['verify', '-auth_level', String(level), '-CAfile', 'root.pem', '-untrusted', 'int.pem', cert], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
    return { ok: true, output };
  } catch (err) {
    const e = err as { stdout?: Buffer; stderr?: Buffer };
    return { ok: false, output: `${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}` };
  }
}
