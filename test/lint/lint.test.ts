/**
 * `tlsgate lint` on certificate files the openssl CLI made (test/lint/fixtures.ts): every case
 * reports exactly the rule it was built for, the clean folder reports nothing (the flipped
 * case), and the name and strength findings agree with independent oracles (Node's own
 * tls.checkServerIdentity, `openssl verify -auth_level`). The CLI is spawned as CI would run it.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkServerIdentity } from 'node:tls';
import { CLI, ROOT, start, tlsgate, type Finished } from '../cli/spawn.js';
import { buildLintFixtures, EXPECTED, opensslVerify, PKCS12_PASSPHRASE, type LintFixtures } from './fixtures.js';

interface JsonFinding {
  file: string;
  cert?: { subject: string; serial: string; index: number };
  rule: string;
  severity: 'error' | 'warning';
  message: string;
  fix: string;
}

interface JsonReport {
  summary: { files: number; certificates: number; errors: number; warnings: number; failed: boolean };
  findings: JsonFinding[];
}

const json = (r: Finished): JsonReport => JSON.parse(r.stdout) as JsonReport;

const FIXTURES = join(ROOT, 'test', 'fixtures');
const onPath = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** the JUnit file against test/fixtures/junit.xsd (as the run's JUnit test does), when xmllint or java is there */
function validateJunit(file: string): { status: number | null; output: string } | undefined {
  const r = onPath('xmllint')
    ? spawnSync('xmllint', ['--noout', '--schema', join(FIXTURES, 'junit.xsd'), file], { encoding: 'utf8' })
    : onPath('java') ? spawnSync('java', [join(FIXTURES, 'Validate.java'), join(FIXTURES, 'junit.xsd'), file], { encoding: 'utf8' }) : undefined;
  return r && { status: r.status, output: r.stdout + r.stderr };
}

describe('tlsgate lint (fixtures made by the openssl CLI; spawned CLI)', function () {
  this.timeout(120_000);
  let fx: LintFixtures;
  let report: JsonReport;
  let run: Finished;
  before(async () => {
    fx = buildLintFixtures();
    run = await tlsgate(['lint', 'files', '--reporter', 'json', '--passphrase', PKCS12_PASSPHRASE], { cwd: fx.dir });
    report = json(run);
  });
  after(() => fx?.cleanup());

  const rulesOf = (file: string) => report.findings.filter((f) => f.file === join('files', file)).map((f) => f.rule).sort();

  for (const [file, rules] of Object.entries(EXPECTED)) {
    it(`${file}: ${rules.join(', ')}`, () => {
      expect(rulesOf(file)).to.deep.equal([...rules].sort());
    });
  }

  it('the root alone has no finding, and no file outside the cases has one', () => {
    expect(rulesOf('root.pem')).to.deep.equal([]);
    const files = new Set(report.findings.map((f) => f.file));
    expect([...files].sort()).to.deep.equal(Object.keys(EXPECTED).map((f) => join('files', f)).sort());
  });

  it('every finding names the file, the certificate (subject and serial, as openssl prints it) and a fix', () => {
    const expired = report.findings.find((f) => f.rule === 'expired')!;
    // openssl's own print of the serial, leading zero nibble included (1 in 16 random serials has one)
    const serial = spawnSync('openssl', ['x509', '-noout', '-serial', '-in', join(fx.files, 'expired.pem')], { encoding: 'utf8' }).stdout.trim().replace(/^serial=/, '').toLowerCase();
    expect(expired.cert).to.include({ subject: 'CN=old.lint.test', serial, index: 1 });
    for (const f of report.findings) {
      expect(f.cert?.subject, f.rule).to.be.a('string');
      expect(f.cert?.serial, f.rule).to.match(/^[0-9a-f]+$/);
      expect(f.fix, f.rule).to.have.length.above(10);
    }
    expect(report.findings.find((f) => f.rule === 'orphan')!.cert).to.include({ subject: 'CN=stranger.lint.test', index: 3 });
    expect(report.findings.find((f) => f.rule === 'duplicate')!.cert).to.include({ index: 3 });
    const order = (file: string) => report.findings.find((f) => f.file === join('files', file) && f.rule === 'bundle-order')!.severity;
    expect([order('leaf-not-first.pem'), order('misordered.pem')]).to.deep.equal(['error', 'warning']);
    expect(report.findings.find((f) => f.file === join('files', 'svid-over-ttl.pem'))!.message).to.include("class 'batch jobs' allows (maxTtl 1h)");
  });

  it('exits 1 on error findings; the clean folder (PEM, a root, an SVID, PKCS#12 with its passphrase) exits 0 with none', async () => {
    expect(run.code, run.stderr).to.equal(1);
    expect(report.summary).to.include({ failed: true });
    const clean = await tlsgate(['lint', 'clean', '--reporter', 'json', '--passphrase', `clean/svid.p12=${PKCS12_PASSPHRASE}`], { cwd: fx.dir });
    expect(clean.code, clean.stderr).to.equal(0);
    const r = json(clean);
    expect(r.findings).to.deep.equal([]);
    // fullchain (2) + root (1) + svid bundle (2) + the PKCS#12's leaf and intermediate (2)
    expect(r.summary).to.include({ files: 4, certificates: 7, errors: 0, warnings: 0, failed: false });
  });

  it('--fail-on warning fails on a warning that passes by default; --expires-within moves the horizon', async () => {
    const near = join('files', 'near-expiry.pem');
    expect((await tlsgate(['lint', near], { cwd: fx.dir })).code).to.equal(0);
    expect((await tlsgate(['lint', near, '--fail-on', 'warning'], { cwd: fx.dir })).code).to.equal(1);
    const shorter = await tlsgate(['lint', near, '--expires-within', '3d', '--reporter', 'json'], { cwd: fx.dir });
    expect(json(shorter).findings).to.deep.equal([]);
  });

  it('RSA-1024 and SHA-1: flagged at security level 2 as `openssl verify -auth_level 2` refuses them; at level 1 RSA-1024 passes both', async () => {
    const weak2 = opensslVerify(fx.work, 2, 'rsa1024.pem');
    expect(weak2.ok, weak2.output).to.equal(false);
    expect(weak2.output).to.match(/key too weak/i);
    const weak1 = opensslVerify(fx.work, 1, 'rsa1024.pem');
    expect(weak1.ok, weak1.output).to.equal(true);
    const level1 = await tlsgate(['lint', join('files', 'rsa1024.pem'), '--security-level', '1', '--reporter', 'json'], { cwd: fx.dir });
    expect(json(level1).findings).to.deep.equal([]);
    const sha1 = opensslVerify(fx.work, 1, 'sha1.pem');
    expect(sha1.ok, sha1.output).to.equal(false);
    expect(sha1.output).to.match(/too weak/i);
    const good = opensslVerify(fx.work, 2, 'good.pem');
    expect(good.ok, good.output).to.equal(true);
  });

  it("the name findings are names Node's own checkServerIdentity refuses, and the clean leaf's name it accepts", () => {
    const refuses = (file: string, host: string) => checkServerIdentity(host, new X509Certificate(readFileSync(join(fx.files, file))).toLegacyObject());
    expect(refuses('wildcard-mid.pem', 'a.b.lint.test')).to.be.instanceOf(Error);
    expect(refuses('ip-in-dns.pem', '127.0.0.1')).to.be.instanceOf(Error);
    expect(refuses('ip-cn-only.pem', '127.0.0.1')).to.be.instanceOf(Error);
    // the warning: Node still accepts the CN when no DNS SAN exists
    expect(refuses('cn-only.pem', 'cn.lint.test')).to.equal(undefined);
    // ... also beside an IP SAN: Node falls back to the CN whenever there is no DNS SAN
    expect(refuses('ip-san-cn-host.pem', 'ipsan.lint.test')).to.equal(undefined);
    expect(checkServerIdentity('api.lint.test', new X509Certificate(fx.pem('good')).toLegacyObject())).to.equal(undefined);
  });

  it('console, JUnit and github reporters name the same findings; reports go to files', async () => {
    const r = await tlsgate(['lint', join('files', 'svid-two-uris.pem'), join('files', 'cn-only.pem'), '--reporter', 'console', '--reporter', 'junit:out/lint.xml', '--reporter', 'github:out/gh.txt'], { cwd: fx.dir, env: { GITHUB_STEP_SUMMARY: join(fx.dir, 'summary.md') } });
    expect(r.code, r.stderr).to.equal(1);
    expect(r.stdout).to.include('svid-uri-san').and.include('fix: issue one SVID per SPIFFE ID').and.include('name-cn-fallback');
    expect(r.stdout).to.match(/2 certificates in 2 files: 1 error, 1 warning; fails/);
    const xml = readFileSync(join(fx.dir, 'out', 'lint.xml'), 'utf8');
    expect(xml).to.match(/<testsuites name="tlsgate lint" tests="2" failures="1"/);
    expect(xml).to.include('<failure message="svid-uri-san: an SVID must hold exactly one URI SAN');
    expect(xml).to.include('<system-out>warning name-cn-fallback');
    const xsd = validateJunit(join(fx.dir, 'out', 'lint.xml'));
    if (xsd) expect(xsd.status, xsd.output).to.equal(0);
    const gh = readFileSync(join(fx.dir, 'out', 'gh.txt'), 'utf8').trim().split('\n');
    expect(gh).to.have.length(2);
    expect(gh[0]).to.match(/^::error file=files\/svid-two-uris\.pem,line=1,title=tlsgate lint%3A svid-uri-san::O=tlsgate \(serial [0-9a-f]+\): an SVID/);
    expect(gh[1]).to.match(/^::warning file=files\/cn-only\.pem,line=1,title=tlsgate lint%3A name-cn-fallback::/);
    const summary = readFileSync(join(fx.dir, 'summary.md'), 'utf8');
    expect(summary).to.include('### tlsgate lint: 2 certificates in 2 files: 1 error, 1 warning; fails (--fail-on error)');
    expect(summary).to.match(/\| ❌ error \| svid-uri-san \| files\/svid-two-uris\.pem #1 O=tlsgate \(serial [0-9a-f]+\) \|/);
  });

  it('bad input is exit 2 naming the file and the fix, with no report written', async () => {
    writeFileSync(join(fx.dir, 'garbage.pem'), '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n');
    const garbage = await tlsgate(['lint', 'garbage.pem', join('files', 'root.pem'), '--reporter', 'json:out/never.json'], { cwd: fx.dir });
    expect(garbage.code).to.equal(2);
    expect(garbage.stderr).to.match(/^garbage\.pem:1: this CERTIFICATE block is not a certificate/m);
    expect(() => readFileSync(join(fx.dir, 'out', 'never.json'))).to.throw();
    const wrong = await tlsgate(['lint', join('clean', 'svid.p12'), '--passphrase', 'wrong'], { cwd: fx.dir });
    expect(wrong.code).to.equal(2);
    expect(wrong.stderr).to.include('clean/svid.p12: cannot open this PKCS#12 file with the passphrase given').and.include('--passphrase');
    const key = await tlsgate(['lint', join('clean', 'svid.key')], { cwd: fx.dir });
    expect(key.code).to.equal(2);
    expect(key.stderr).to.include('holds no CERTIFICATE block');
    const missing = await tlsgate(['lint', 'nowhere'], { cwd: fx.dir });
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.include('nowhere: no such file or folder');
    const badFlag = await tlsgate(['lint', 'files', '--expires-within', 'soon'], { cwd: fx.dir });
    expect(badFlag.code).to.equal(2);
    expect(badFlag.stderr).to.include("--expires-within wants a duration such as 30d");
  });

  it('@peculiar/x509 is loaded when lint runs, not for --help (other commands start without it)', async () => {
    const hook = join(fx.dir, 'log-x509.mjs');
    const resolveHook = 'import { writeSync } from "node:fs"; export async function resolve(s, c, n) { if (s.includes("@peculiar/x509")) writeSync(2, "LOADED x509\\n"); return n(s, c); }';
    writeFileSync(hook, `import { register } from 'node:module';\nregister('data:text/javascript,' + encodeURIComponent(${JSON.stringify(resolveHook)}));\n`);
    const withHook = (args: string[]) => start(['--import', hook, ...CLI, ...args], { cwd: fx.dir }).done;
    const [help, lintHelp, lint] = await Promise.all([withHook(['--help']), withHook(['lint', '--help']), withHook(['lint', join('files', 'root.pem')])]);
    expect(help.code).to.equal(0);
    expect(help.stderr).to.not.include('LOADED x509');
    expect(lintHelp.stderr).to.not.include('LOADED x509');
    expect(lint.code, lint.stderr).to.equal(0);
    expect(lint.stderr).to.include('LOADED x509');
  });

  it("the project config's lint: defaults apply, and flags override them", async () => {
    const { mkdtempSync } = await import('node:fs');
    const dir = mkdtempSync(join(fx.dir, 'strict-'));
    writeFileSync(join(dir, 'tlsgate.config.yaml'), 'lint:\n  failOn: warning\n  securityLevel: 1\n');
    const near = join(fx.files, 'near-expiry.pem');
    const weak = join(fx.files, 'rsa1024.pem');
    expect((await tlsgate(['lint', near], { cwd: dir })).code).to.equal(1);
    expect((await tlsgate(['lint', near, '--fail-on', 'error'], { cwd: dir })).code).to.equal(0);
    expect((await tlsgate(['lint', weak], { cwd: dir })).code).to.equal(0);
    expect((await tlsgate(['lint', weak, '--security-level', '2'], { cwd: dir })).code).to.equal(1);
  });

  it('a bad lint: section in the project config is exit 2 at file:line', async () => {
    const { mkdtempSync, mkdirSync } = await import('node:fs');
    const dir = mkdtempSync(join(fx.dir, 'badconfig-'));
    mkdirSync(join(dir, 'c'));
    writeFileSync(join(dir, 'tlsgate.config.yaml'), 'lint:\n  classes:\n    - name: x\n      match: { san: "*.x" }\n      maxTtl: forever\n');
    const r = await tlsgate(['lint', join(fx.dir, 'files', 'root.pem')], { cwd: dir });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/tlsgate\.config\.yaml:5:\d+ .*maxTtl/);
  });
});
