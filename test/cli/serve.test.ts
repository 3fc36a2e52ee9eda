import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
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

interface Entry {
  id: string; role: string; revoked: unknown; ocspUrl: string | null; crlUrl: string | null; crlUrls: string[]; ocspUrls: string[];
  servedBy: { crl: string; ocsp: string } | null; issuer: string; https?: string; httpsUrls?: string[]; files: Record<string, string>; serial: string;
}
interface Manifest { certificates: Entry[]; port: number | null; faults: string[] }

const readManifest = (out: string): Manifest => JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;

/** curl's stdout, or `exit N: stderr` */
const curlOut = (args: string[]): Promise<string> =>
  run('curl', args).then((r) => r.stdout, (e: { stderr: string; code: number }) => `exit ${e.code}: ${e.stderr}`);

/** the CDP and AIA OCSP URIs as `openssl x509 -ext` prints them: the oracle for the manifest */
async function pointersByOpenssl(certFile: string): Promise<{ crl: string[]; ocsp: string[] }> {
  const text = await openssl(['x509', '-in', certFile, '-noout', '-ext', 'crlDistributionPoints,authorityInfoAccess']);
  const cdp = /X509v3 CRL Distribution Points:([\s\S]*?)(?=\n\S|$)/.exec(text)?.[1] ?? '';
  return {
    crl: [...cdp.matchAll(/URI:(\S+)/g)].map((m) => m[1]!),
    ocsp: [...text.matchAll(/OCSP - URI:(\S+)/g)].map((m) => m[1]!),
  };
}

/** a base port whose next `count` ports are all free on 127.0.0.1 and ::1 right now */
async function freePorts(count: number): Promise<number> {
  const tryListen = (port: number, host: string) => new Promise<Server | undefined>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, host, () => resolve(server));
  });
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    const held: Server[] = [];
    for (let p = base; p < base + count; p++) {
      for (const host of ['127.0.0.1', '::1']) {
        const s = await tryListen(p, host);
        if (s) held.push(s);
      }
    }
    await Promise.all(held.map((s) => new Promise((r) => s.close(r))));
    if (held.length === 2 * count) return base;
  }
  throw new Error('no free port range');
}

/**
 * `tlsgate serve ARGS` until it printed its commands; then `use(stdout)`, then Ctrl-C (or SIGTERM),
 * expecting exit 0 with nothing left open (TLSGATE_DEBUG=1 makes the CLI name what still is)
 */
async function whileServing(args: string[], use: (stdout: string) => Promise<void>, signal: NodeJS.Signals = 'SIGINT'): Promise<{ stdout: string; stderr: string }> {
  const child = start([...CLI, 'serve', ...args], { env: { TLSGATE_DEBUG: '1' } });
  let stdout = '';
  child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
  try {
    await waitForOutput(child, 'Press Ctrl-C');
    await use(stdout);
  } finally {
    child.kill(signal);
  }
  const done = await child.done;
  expect(done.code, done.stderr).to.equal(0);
  expect(done.stderr).to.not.include('still open at exit');
  return { stdout: done.stdout, stderr: done.stderr };
}

describe('tlsgate serve (spawned process, real servers, openssl and curl as clients)', function () {
  this.timeout(90_000);
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
        const text = await openssl(['ocsp', '-issuer', f('intermediate.pem'), '-cert', f(`${id}.pem`), '-url', by(id).ocspUrl!, '-CAfile', f('root.pem')]);
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
      // the server checks client certificates against the CAs' CRLs: the revoked one is called so
      expect(await curl(by('good-server').https!, ['--cert', f('revoked-client.chain.pem'), '--key', f('revoked-client.key')])).to.include('client certificate "tlsgate revoked client": revoked (CERT_REVOKED)');
      // the server certificates name ::1, so the endpoints listen there too
      expect(by('good-server').httpsUrls).to.have.length(2);
      const v6 = by('good-server').httpsUrls![1]!;
      expect(v6).to.match(/^https:\/\/\[::1\]:\d+\/$/);
      expect(await curl(v6, ['--cert-status'])).to.include("this is 'good-server'");
    } finally {
      child.kill('SIGINT');
    }
    const done = await child.done;
    expect(done.code, done.stderr).to.equal(0);
  });

  it("the manifest lists each certificate's own CDP/AIA (as openssl x509 -ext reads them), null where it has none; spec faults: and --fault are injected into real OCSP and CRL answers", async () => {
    const spec = join(dir, 'pointers.yaml');
    writeFileSync(spec, [
      'pki:',
      '  certs:',
      '    - { id: root, role: root, subject: "CN=serve test root" }',
      '    - { id: int, role: intermediate, issuer: root, subject: "CN=serve test int", ocsp: auto }',
      '    - { id: good, role: server, issuer: int, subject: "CN=localhost", san: { dns: [localhost], ip: [127.0.0.1] }, ocsp: auto, crlDistributionPoints: auto }',
      '    - { id: dead, role: server, issuer: int, subject: "CN=localhost", san: { dns: [localhost] }, ocsp: ["http://127.0.0.1:9/ocsp"], crlDistributionPoints: ["http://127.0.0.1:9/int.crl"] }',
      'faults:',
      '  - { server: ocsp, cert: good, fault: { kind: unknown-status } }',
      'scenarios:',
      '  - name: responder in trouble',
      '    faults: [{ server: ocsp, ca: int, fault: { kind: ocsp-status, status: tryLater } }]',
      '    expect: { outcome: reject }',
      '',
    ].join('\n'));
    const out = join(dir, 'pointers');
    const f = (name: string) => join(out, name);
    const served = await whileServing(['--spec', spec, '--out', out, '--fault', 'crl:ca=int:kind=http-status:status=503', '--fault', '{ server: ocsp, ca: int, fault: { kind: hang } }'], async (stdout) => {
      const manifest = readManifest(out);
      const by = (id: string) => manifest.certificates.find((c) => c.id === id)!;
      for (const c of manifest.certificates) {
        const oracle = await pointersByOpenssl(f(c.files.cert!));
        expect({ crl: c.crlUrls, ocsp: c.ocspUrls }, c.id).to.deep.equal(oracle);
        expect(c.crlUrl, c.id).to.equal(oracle.crl[0] ?? null);
        expect(c.files.cert, c.id).to.be.a('string');
        expect(c.ocspUrl, c.id).to.equal(oracle.ocsp[0] ?? null);
      }
      expect(by('root')).to.include({ crlUrl: null, ocspUrl: null, servedBy: null });
      expect(by('int').crlUrl, 'an intermediate without a CDP gets none').to.equal(null);
      expect(by('dead').ocspUrl, 'the dead AIA is listed as the certificate says').to.equal('http://127.0.0.1:9/ocsp');
      expect(by('dead').servedBy!.ocsp).to.equal(by('good').ocspUrl);
      expect(by('good').httpsUrls, 'no ::1 in its SAN, no ::1 listener').to.have.length(1);
      expect(manifest.faults).to.have.members(['ocsp:cert=good:kind=unknown-status', 'crl:ca=int:kind=http-status:status=503', 'ocsp:ca=int:kind=hang']);
      // the spec file's fault (per certificate) wins over --fault's (per CA) for 'good'
      const good = await openssl(['ocsp', '-issuer', f('int.pem'), '-cert', f('good.pem'), '-url', by('good').servedBy!.ocsp, '-CAfile', f('root.pem')]);
      expect(good, good).to.include(`${f('good.pem')}: unknown`).and.include('Response verify OK');
      // ...and every other certificate of int gets no answer at all
      const hung = await openssl(['ocsp', '-issuer', f('int.pem'), '-cert', f('dead.pem'), '-url', by('dead').servedBy!.ocsp, '-CAfile', f('root.pem'), '-timeout', '2']);
      expect(hung).to.not.match(/: (good|revoked|unknown)/);
      expect(hung).to.match(/timeout|Error querying OCSP responder/i);
      // the CRL server: int's CRL answers 503 (curl -f fails), root's is fine
      expect(await curlOut(['-fsS', by('good').servedBy!.crl])).to.match(/^exit 22: .*503/);
      expect(await curlOut(['-fsS', `${by('int').servedBy!.crl}?format=pem`])).to.include('BEGIN X509 CRL');
      // printed commands: absolute paths, curl -f, and a word where the certificate points elsewhere
      expect(stdout).to.include(`-cert ${f('dead.pem')} -url ${by('dead').servedBy!.ocsp}`);
      expect(stdout).to.include('its AIA names http://127.0.0.1:9/ocsp, not this serve');
      expect(stdout).to.include('faults          ');
      for (const line of stdout.split('\n').filter((l) => l.startsWith('curl'))) expect(line).to.match(/^curl -fsS /);
    });
    // the faults of the file's scenarios are not injected, and serve says how to inject them
    expect(served.stderr).to.include('responder in trouble: --fault ocsp:ca=int:kind=ocsp-status:status=tryLater');
  });

  it('--fault values that are not faults of this PKI: one line each naming the value, exit 2, nothing written', async () => {
    const out = join(dir, 'never-fault');
    const cases = [
      ['ocsp:ca=intermediate:kind=explode', /--fault 'ocsp:ca=intermediate:kind=explode': fault\.kind: .*explode/],
      ['ocsp:ca=good-server:kind=hang', /'good-server' is not a CA of this PKI \(.*cert=good-server/],
      ['ocsp:ca=intermediat:kind=hang', /'intermediat' is not a CA of this PKI \(did you mean intermediate\?/],
      ['crl:ca=root:kind=delay', /ms/],
      ['hang', /expected SERVER:ca=ID:kind=KIND/],
    ] as const;
    const r = await tlsgate(['serve', '--out', out, ...cases.flatMap(([value]) => ['--fault', value])]);
    expect(r.code, r.stderr).to.equal(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines, r.stderr).to.have.length(cases.length);
    cases.forEach(([value, expected], i) => {
      expect(lines[i], value).to.include(`--fault '${value}'`).and.match(expected);
    });
    expect(existsSync(out)).to.equal(false);
  });

  it('--port BASE: fixed ports; a restart with the same --port and --out serves the same certificate files and serials, and their URLs work; a taken port is exit 2', async () => {
    const base = await freePorts(4);
    const out = join(dir, 'fixed');
    // PKCS#12 bundles are encrypted with a fresh salt each time: their certificates are the .pem files
    const snapshot = () => Object.fromEntries(readdirSync(out).filter((n) => n !== '.tlsgate-serve-cache' && !n.endsWith('.p12')).map((n) => [n, readFileSync(join(out, n), 'utf8')]));
    const ocspGood = async () => {
      const by = (id: string) => readManifest(out).certificates.find((c) => c.id === id)!;
      return openssl(['ocsp', '-issuer', join(out, 'intermediate.pem'), '-cert', join(out, 'good-server.pem'), '-url', by('good-server').ocspUrl!, '-CAfile', join(out, 'root.pem')]);
    };
    let first: Record<string, string> = {};
    await whileServing(['--out', out, '--port', String(base)], async () => {
      first = snapshot();
      const m = readManifest(out);
      expect(m.port).to.equal(base);
      expect(m.certificates.find((c) => c.id === 'good-server')!.ocspUrl).to.equal(`http://127.0.0.1:${base + 1}/pki/intermediate`);
      expect(m.certificates.find((c) => c.id === 'good-server')!.https).to.equal(`https://localhost:${base + 2}/`);
      expect(m.certificates.find((c) => c.id === 'revoked-server')!.https).to.equal(`https://localhost:${base + 3}/`);
    });
    const cachedKeys = readdirSync(join(out, '.tlsgate-serve-cache', 'keys'));
    expect(cachedKeys).to.not.be.empty;
    for (const k of cachedKeys) expect(statSync(join(out, '.tlsgate-serve-cache', 'keys', k)).mode & 0o777, k).to.equal(0o600);
    await whileServing(['--out', out, '--port', String(base)], async () => {
      expect(snapshot()).to.deep.equal(first);
      expect(await ocspGood()).to.include('good-server.pem: good').and.include('Response verify OK');
      expect(await curlOut(['-fsS', '--cacert', join(out, 'root.pem'), '--cert-status', `https://localhost:${base + 2}/`])).to.include("this is 'good-server'");
    });
    // someone else holds BASE+1: a clear line, exit 2, the folder as it was
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(base + 1, '127.0.0.1', resolve));
    try {
      const r = await tlsgate(['serve', '--out', out, '--port', String(base)]);
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr).to.include(`port ${base + 1} is in use`);
      expect(snapshot()).to.deep.equal(first);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it("--out: a previous serve's files are replaced (nothing of the old PKI stays); a foreign non-empty folder is refused with exit 2 and left alone", async () => {
    const out = join(dir, 'reused');
    await whileServing(['--out', out], async () => undefined);
    writeFileSync(join(out, 'notes.txt'), 'mine\n');
    const spec = join(dir, 'small.yaml');
    writeFileSync(spec, 'pki:\n  certs:\n    - { id: ca, role: root, subject: "CN=small" }\n    - { id: leaf, role: server, issuer: ca, subject: "CN=localhost", san: { dns: [localhost] } }\n');
    await whileServing(['--spec', spec, '--out', out], async () => undefined, 'SIGTERM');
    expect(readdirSync(out).sort()).to.deep.equal(['ca.chain.pem', 'ca.key', 'ca.pem', 'leaf.chain.pem', 'leaf.key', 'leaf.pem', 'manifest.json', 'notes.txt']);
    const foreign = join(dir, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'report.txt'), 'not tlsgate\n');
    const r = await tlsgate(['serve', '--out', foreign]);
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stderr).to.include('is not empty and holds no tlsgate serve manifest.json');
    expect(readdirSync(foreign)).to.deep.equal(['report.txt']);
    // a folder that cannot be made (Node's own recursive mkdir never returns for this one)
    const unmakeable = await tlsgate(['serve', '--out', '/proc/tlsgate-serve-test/pki']);
    expect(unmakeable.code, unmakeable.stderr).to.equal(2);
    // the up-front output-path check refuses it before serve's own folder handling runs
    expect(unmakeable.stderr).to.match(/^tlsgate: --out: cannot write \/proc\/tlsgate-serve-test/);
    expect(unmakeable.stderr.trim().split('\n')).to.have.length(1);
  });

  it('the printed commands run as printed, from another folder, and each says what the table says (good passes, revoked fails)', async () => {
    const out = join(dir, 'printed');
    await whileServing(['--out', out], async (stdout) => {
      const blocks = stdout.split('\n# ').slice(1).map((b) => b.split('\n').filter((l) => /^(openssl|curl) /.test(l)));
      const headers = stdout.split('\n# ').slice(1).map((b) => b.split('\n')[0]!);
      expect(headers).to.deep.equal(['good-server (good)', 'revoked-server (revoked)', 'good-client (good)', 'revoked-client (revoked)']);
      const sh = (line: string) => run('bash', ['-c', line], { cwd: tmpdir() }).then(
        (r) => ({ code: 0, text: r.stdout + r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, text: e.stdout + e.stderr }));
      for (const [i, lines] of blocks.entries()) {
        const revoked = headers[i]!.endsWith('(revoked)');
        for (const line of lines) {
          expect(line, 'absolute paths only').to.not.match(/ (?:-CAfile|-issuer|-cert|--cacert|--cert|--key|-untrusted|-CRLfile|>) (?!\/)/);
          const r = await sh(line);
          const what = `${headers[i]}: ${line}\n${r.text}`;
          if (line.startsWith('openssl ocsp')) expect(r.text, what).to.include('Response verify OK').and.match(revoked ? /: revoked/ : /: good/);
          else if (line.includes('openssl verify')) expect(r.code === 0, what).to.equal(!revoked);
          else if (line.includes('--cert-status')) expect(r.code, what).to.equal(revoked ? 91 : 0);
          else {
            expect(r.code, what).to.equal(0);
            expect(r.text, what).to.include(revoked ? ': revoked (CERT_REVOKED)' : ': verified');
          }
        }
      }
      // servers: ocsp, CRLs, the endpoint on 127.0.0.1 and on ::1; clients: ocsp, CRLs, mTLS
      expect(blocks.flat().length).to.equal(2 * 4 + 2 * 3);
    });
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
