import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CLI, start, tlsgate, waitForOutput } from './spawn.js';

const run = promisify(execFile);

/** openssl's combined output, whatever its exit code */
async function openssl(args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run('openssl', args);
    return stdout + stderr;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}`;
  }
}

interface Entry { id: string; role: string; revoked: unknown; ocspUrl: string; crlUrl: string; issuer: string; https?: string; files: Record<string, string> }

describe('tlsgate serve (spawned process, real servers, openssl and curl as clients)', function () {
  this.timeout(30_000);
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'tlsgate-serve-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the default PKI: openssl ocsp, CRLs and a stapling HTTPS endpoint agree on good and revoked; Ctrl-C stops it with exit 0', async () => {
    const out = join(dir, 'pki');
    const child = start([...CLI, 'serve', '--out', out]);
    try {
      await waitForOutput(child, 'Press Ctrl-C');
      const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { certificates: Entry[] };
      const by = (id: string) => manifest.certificates.find((c) => c.id === id)!;
      expect(manifest.certificates.map((c) => c.id)).to.have.members(['root', 'intermediate', 'good-server', 'revoked-server', 'good-client', 'revoked-client']);
      expect(statSync(join(out, 'good-server.key')).mode & 0o777).to.equal(0o600);
      expect(statSync(join(out, 'good-client.p12')).mode & 0o777).to.equal(0o600);
      const f = (name: string) => join(out, name);
      for (const [id, status] of [['good-server', 'good'], ['revoked-server', 'revoked'], ['good-client', 'good'], ['revoked-client', 'revoked']] as const) {
        const text = await openssl(['ocsp', '-issuer', f('intermediate.pem'), '-cert', f(`${id}.pem`), '-url', by(id).ocspUrl, '-CAfile', f('root.pem')]);
        expect(text, id).to.include('Response verify OK').and.include(`${id}.pem: ${status}`);
      }
      const crls = await Promise.all([by('good-server').crlUrl, by('intermediate').crlUrl].map(async (u) => (await fetch(`${u}?format=pem`)).text()));
      writeFileSync(f('crls.pem'), crls.join(''));
      const verify = (id: string) => openssl(['verify', '-crl_check_all', '-CAfile', f('root.pem'), '-untrusted', f('intermediate.pem'), '-CRLfile', f('crls.pem'), f(`${id}.pem`)]);
      expect(await verify('good-server')).to.include(': OK');
      expect(await verify('revoked-server')).to.include('certificate revoked');
      // curl checks the staple the HTTPS endpoint sends
      const curl = (url: string, extra: string[] = []) => run('curl', ['-sS', '--cacert', f('root.pem'), ...extra, url]).then((r) => r.stdout, (e: { stderr: string; code: number }) => `exit ${e.code}: ${e.stderr}`);
      expect(await curl(by('good-server').https!, ['--cert-status'])).to.include("this is 'good-server'");
      expect(await curl(by('revoked-server').https!, ['--cert-status'])).to.match(/exit 91: .*revocation reason: keyCompromise/);
      expect(await curl(by('good-server').https!, ['--cert', f('good-client.chain.pem'), '--key', f('good-client.key')])).to.include('client certificate "tlsgate good client": verified');
    } finally {
      child.kill('SIGINT');
    }
    const done = await child.done;
    expect(done.code, done.stderr).to.equal(0);
  });

  it('a spec with problems prints each as file:line:col, serves nothing and exits 2', async () => {
    const spec = join(dir, 'bad.yaml');
    const certs = 'pki:\n  certs:\n    - { id: root, role: root, subject: "CN=r" }\n';
    // shape first (the schema), then the PKI's consistency (issuers, cycles, windows)
    writeFileSync(spec, `${certs}    - { id: leaf, role: server, issuer: root, subject: "CN=l", key: rsa-9 }\n`);
    const shape = await tlsgate(['serve', '--spec', spec, '--out', join(dir, 'never')]);
    expect(shape.code, shape.stderr).to.equal(2);
    expect(shape.stderr).to.match(/bad\.yaml:4:\d+ +pki\.certs\[1\]\.key +.*rsa-9/);
    expect(shape.stderr).to.include('nothing was served');
    writeFileSync(spec, `${certs}    - { id: leaf, role: server, issuer: nowhere, subject: "CN=l" }\n`);
    const refs = await tlsgate(['serve', '--spec', spec, '--out', join(dir, 'never')]);
    expect(refs.code, refs.stderr).to.equal(2);
    expect(refs.stderr).to.match(/bad\.yaml:4:\d+ +pki\.certs\[1\]\.issuer +unknown issuer 'nowhere' +\(known ids: root, leaf/);
    expect(() => statSync(join(dir, 'never'))).to.throw();
  });

  it('a spec file that does not exist is a usage error (exit 2)', async () => {
    const r = await tlsgate(['serve', '--spec', join(dir, 'missing.yaml'), '--out', join(dir, 'never')]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include('no such spec file');
  });
});
