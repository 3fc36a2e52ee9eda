/**
 * The CRL server and OCSP responder (ca/servers/revocation-servers.ts and everything under it), checked
 * from the outside: the openssl CLI is the OCSP client and CRL/chain verifier, raw HTTP (node:http
 * with agent:false) checks the transport. Every openssl call is asynchronous: the servers answer
 * on this process's event loop.
 */
import { expect } from 'chai';
import { readFile, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { issuePki } from '../../ca/issue/factory.js';
import type { Materials } from '../../ca/issue/materials.js';
import { RevocationServers, type PkiHandle } from '../../ca/servers/revocation-servers.js';
import type { Fault, OcspErrorStatus } from '../../ca/revocation/revocation-types.js';
import type { PkiSpec } from '../../ca/spec/spec.js';
import { http, ocspGetPath, openssl, opensslDate, opensslOk, sleep, tempDir, type ProcResult } from './helpers.js';

type Temp = Awaited<ReturnType<typeof tempDir>>;

const SPEC_A: PkiSpec = {
  certs: [
    { id: 'root', role: 'root', subject: 'CN=Revocation Test Root,O=tlsgate' },
    { id: 'int', role: 'intermediate', issuer: 'root', subject: 'CN=Revocation Test Int,O=tlsgate', crlDistributionPoints: 'auto', ocsp: 'auto' },
    { id: 'good', role: 'server', issuer: 'int', subject: 'CN=good.example.com', crlDistributionPoints: 'auto', ocsp: 'auto', caIssuers: 'auto' },
    { id: 'revoked', role: 'server', issuer: 'int', subject: 'CN=revoked.example.com' },
    { id: 'hold', role: 'server', issuer: 'int', subject: 'CN=hold.example.com' },
    { id: 'faulty', role: 'server', issuer: 'int', subject: 'CN=faulty.example.com' },
    { id: 'quiet', role: 'server', issuer: 'int', subject: 'CN=quiet.example.com' },
  ],
};

const SPEC_D: PkiSpec = {
  certs: [
    { id: 'root-d', role: 'root', subject: 'CN=Delegated Root,O=tlsgate' },
    { id: 'int-d', role: 'intermediate', issuer: 'root-d', subject: 'CN=Delegated Int,O=tlsgate' },
    { id: 'leaf-d', role: 'server', issuer: 'int-d', subject: 'CN=leaf-d.example.com' },
    { id: 'signer-d', role: 'ocsp-signer', issuer: 'int-d', subject: 'CN=Delegated OCSP Signer,O=tlsgate' },
  ],
  responders: [{ ca: 'int-d', signer: 'signer-d' }],
};

/** another PKI whose CA has the same name as A's, but its own key */
const SPEC_B: PkiSpec = {
  certs: [
    { id: 'root-b', role: 'root', subject: 'CN=Revocation Test Root,O=tlsgate' },
    { id: 'int-b', role: 'intermediate', issuer: 'root-b', subject: 'CN=Revocation Test Int,O=tlsgate' },
    { id: 'leaf-b', role: 'server', issuer: 'int-b', subject: 'CN=leaf-b.example.com' },
  ],
};

/** what openssl ocsp printed for one cert: `good`, `revoked`, `unknown`, or undefined */
const statusOf = (output: string, certPath: string): string | undefined =>
  new RegExp(`${certPath.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: (good|revoked|unknown)`).exec(output)?.[1];

describe('ca/revocation-servers: CRL server and OCSP responder checked by openssl', function () {
  this.timeout(20_000);
  let servers: RevocationServers;
  let tmp: Temp;
  let a: Materials;
  let d: Materials;
  let b: Materials;
  let pa: PkiHandle;
  let pd: PkiHandle;
  let pb: PkiHandle;

  const f = (id: string) => tmp.file(`${id}.pem`);
  const ocspUrl = (caId: string, ns = 'a') => servers.endpointsFor(ns).ocspUrl(caId);
  const crlUrl = (caId: string, ns = 'a') => servers.endpointsFor(ns).crlUrl(caId);
  /** `openssl ocsp` about `certId` issued by `caId` of PKI A (or whichever the files belong to) */
  const ocsp = (caId: string, certId: string, opts: { root?: string; url?: string; extra?: string[] } = {}): Promise<ProcResult> =>
    openssl(['ocsp', '-issuer', f(caId), '-cert', f(certId), '-url', opts.url ?? ocspUrl(caId), '-CAfile', f(opts.root ?? 'root'), ...(opts.extra ?? [])]);
  const fetchCrl = async (caId: string, name: string, query = ''): Promise<{ status: number; path: string; body: Buffer; contentType: string | undefined }> => {
    const r = await http(`${crlUrl(caId)}${query}`);
    const path = tmp.file(name);
    await writeFile(path, r.body);
    return { status: r.status, path, body: r.body, contentType: r.headers['content-type'] };
  };
  /** `openssl verify -crl_check_all` of `certId` with the root's and int's current CRLs */
  const verifyWithCrls = async (certId: string, intCrlPath?: string): Promise<ProcResult> => {
    const rootCrl = await fetchCrl('root', 'root-crl.der');
    const intCrl = intCrlPath ?? (await fetchCrl('int', 'int-crl.der')).path;
    const pems = await Promise.all([rootCrl.path, intCrl].map((p) => opensslOk(['crl', '-inform', 'DER', '-in', p])));
    const crls = await tmp.write('crls.pem', pems.map((p) => p.slice(p.indexOf('-----BEGIN'))).join(''));
    return openssl(['verify', '-crl_check_all', '-CAfile', f('root'), '-untrusted', f('int'), '-CRLfile', crls, f(certId)]);
  };
  /** the server still answers a plain question correctly */
  const stillGood = async (): Promise<void> => {
    const r = await ocsp('int', 'good');
    expect(statusOf(r.output, f('good')), r.output).to.equal('good');
    expect(r.output).to.contain('Response verify OK');
    expect((await http(crlUrl('int'))).status).to.equal(200);
  };

  before(async function () {
    tmp = await tempDir('tlsgate-revocation-');
    servers = await RevocationServers.start();
    [a, d, b] = await Promise.all([
      issuePki(SPEC_A, { endpoints: servers.endpointsFor('a') }),
      issuePki(SPEC_D, { endpoints: servers.endpointsFor('d') }),
      issuePki(SPEC_B, { endpoints: servers.endpointsFor('b') }),
    ]);
    pa = servers.attach('a', a);
    pd = servers.attach('d', d);
    pb = servers.attach('b', b);
    for (const m of [a, d, b]) for (const c of m.certs.values()) await writeFile(f(c.id), c.pem);
    await tmp.write('chain.pem', a.get('root').pem + a.get('int').pem);
  });
  after(async function () {
    await servers?.close();
    await tmp?.cleanup();
  });
  afterEach(() => {
    pa?.faults.clearAll();
    pd?.faults.clearAll();
  });

  describe('binding', function () {
    const reachable = (host: string, port: number): Promise<boolean> => new Promise((resolve) => {
      const s = connect({ host, port });
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });

    it('both servers listen on 127.0.0.1 only', async function () {
      expect(servers.crl.address.host).to.equal('127.0.0.1');
      expect(servers.ocsp.address.host).to.equal('127.0.0.1');
      expect(servers.crl.origin).to.equal(`http://127.0.0.1:${servers.crl.address.port}`);
      expect(crlUrl('int')).to.equal(`${servers.crl.origin}/a/int.crl`);
      expect(ocspUrl('int')).to.equal(`${servers.ocsp.origin}/a/int`);
      for (const { port } of [servers.crl.address, servers.ocsp.address]) {
        expect(await reachable('127.0.0.1', port)).to.equal(true);
        expect(await reachable('::1', port)).to.equal(false);
      }
    });

    it('RevocationServers.start({host: "::1"}) binds ::1 (and not 127.0.0.1), and answers there', async function () {
      const v6 = await RevocationServers.start({ host: '::1' });
      try {
        expect(v6.crl.address.host).to.equal('::1');
        expect(v6.ocsp.address.host).to.equal('::1');
        expect(v6.crl.origin).to.equal(`http://[::1]:${v6.crl.address.port}`);
        for (const { port } of [v6.crl.address, v6.ocsp.address]) {
          expect(await reachable('::1', port)).to.equal(true);
          expect(await reachable('127.0.0.1', port)).to.equal(false);
        }
        v6.attach('v6', a);
        const crl = await http(v6.endpointsFor('v6').crlUrl('int'));
        expect(crl.status).to.equal(200);
        expect(crl.body[0]).to.equal(0x30);
        const out = await opensslOk(['crl', '-inform', 'DER', '-CAfile', tmp.file('chain.pem'), '-noout'], { input: crl.body });
        expect(out).to.contain('verify OK');
      } finally {
        await v6.close();
      }
    });

    /** a port the system gave a listener that has since closed: free again */
    const freedPort = async (): Promise<number> => {
      const probe = await RevocationServers.start();
      const { crl } = probe.ports;
      await probe.close();
      return crl;
    };

    it('preferredPorts: taken where they are free, on 127.0.0.1 only', async function () {
      const preferred = { crl: await freedPort(), ocsp: await freedPort() };
      const again = await RevocationServers.start({ preferredPorts: preferred });
      try {
        expect(again.ports).to.deep.equal(preferred);
        expect(again.crl.address.host).to.equal('127.0.0.1');
        expect(await reachable('127.0.0.1', preferred.crl)).to.equal(true);
      } finally {
        await again.close();
      }
    });

    it('preferredPorts held by another socket: that server takes a port the system picks and answers there', async function () {
      const held = servers.crl.address.port;
      const free = await freedPort();
      const other = await RevocationServers.start({ preferredPorts: { crl: held, ocsp: free } });
      try {
        expect(other.ports.crl).to.not.equal(held);
        expect(other.ports.crl).to.be.above(0);
        expect(other.ports.ocsp).to.equal(free);
        other.attach('taken', a);
        expect((await http(other.endpointsFor('taken').crlUrl('int'))).status).to.equal(200);
      } finally {
        await other.close();
      }
    });

    it('fixed ports (serve --port) held by another socket: start fails with EADDRINUSE, nothing left listening', async function () {
      const free = await freedPort();
      let error: unknown;
      await RevocationServers.start({ ports: { crl: servers.crl.address.port, ocsp: free } }).then((s) => s.close(), (err: unknown) => { error = err; });
      expect((error as NodeJS.ErrnoException | undefined)?.code).to.equal('EADDRINUSE');
      expect(await reachable('127.0.0.1', free)).to.equal(false);
    });
  });

  describe('OCSP', function () {
    it('POST (openssl\'s default): good, "Response verify OK", the nonce echoed', async function () {
      const r = await ocsp('int', 'good');
      expect(r.code, r.output).to.equal(0);
      expect(statusOf(r.output, f('good'))).to.equal('good');
      expect(r.output).to.contain('Response verify OK');
      expect(r.output).to.not.contain('WARNING: no nonce in response');
      // the intermediate, asked of the root's responder
      const i = await ocsp('root', 'int');
      expect(statusOf(i.output, f('int')), i.output).to.equal('good');
      expect(i.output).to.contain('Response verify OK');
    });

    it('a CertID hashed with SHA-224, SHA-384 or SHA-512 is answered (good and revoked), verify OK, with that CertID echoed', async function () {
      pa.registry.revoke('revoked', { reason: 'keyCompromise' });
      try {
        for (const hash of ['sha224', 'sha384', 'sha512']) {
          const r = await openssl(['ocsp', `-${hash}`, '-issuer', f('int'), '-cert', f('good'), '-cert', f('revoked'), '-url', ocspUrl('int'), '-CAfile', f('root'), '-resp_text']);
          expect(r.code, `${hash}: ${r.output}`).to.equal(0);
          expect(r.output, hash).to.contain('Response verify OK');
          expect(statusOf(r.output, f('good')), `${hash}: ${r.output}`).to.equal('good');
          expect(statusOf(r.output, f('revoked')), `${hash}: ${r.output}`).to.equal('revoked');
          // openssl matched each answer to its request by CertID, so the answer carries the request's algorithm
          expect(r.output, hash).to.contain(`Hash Algorithm: ${hash}`);
        }
      } finally {
        pa.registry.unrevoke('revoked');
      }
    });

    it('the `auto` AIA/CDP URLs in the certs point at these servers', async function () {
      const text = await opensslOk(['x509', '-in', f('good'), '-noout', '-ext', 'crlDistributionPoints,authorityInfoAccess']);
      expect(text).to.contain(`URI:${crlUrl('int')}`);
      expect(text).to.contain(`OCSP - URI:${ocspUrl('int')}`);
      expect(text).to.contain(`CA Issuers - URI:${servers.endpointsFor('a').caIssuersUrl('int')}`);
    });

    it('GET (RFC 5019: base64 then URL-encoded in the path): same verdict, nonce checked against the request', async function () {
      const reqPath = tmp.file('get-req.der');
      await opensslOk(['ocsp', '-issuer', f('int'), '-cert', f('good'), '-reqout', reqPath]);
      const req = await readFile(reqPath);
      const encoded = ocspGetPath(req);
      const res = await http(`${ocspUrl('int')}/${encoded}`);
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.equal('application/ocsp-response');
      const respPath = await tmp.write('get-resp.der', res.body);
      const r = await openssl(['ocsp', '-reqin', reqPath, '-respin', respPath, '-CAfile', f('root'), '-verify_other', f('int'), '-resp_text']);
      expect(r.code, r.output).to.equal(0);
      expect(r.output).to.contain('Response verify OK');
      expect(r.output).to.match(/Cert Status: good/);
      expect(r.output).to.contain('OCSP Nonce');
      // and the same URL unencoded (base64 '/' and '+' as they are) is also understood
      const raw = await http(`${ocspUrl('int')}/${req.toString('base64')}`);
      const rawPath = await tmp.write('get-resp-raw.der', raw.body);
      expect((await openssl(['ocsp', '-reqin', reqPath, '-respin', rawPath, '-CAfile', f('root'), '-verify_other', f('int')])).output).to.contain('Response verify OK');
      const logged = pa.log.entries().at(-1)!;
      expect(logged.method).to.equal('GET');
      expect(logged.answer).to.equal('good');
    });

    it('revoked: reason keyCompromise and the revocation time exactly as set', async function () {
      const time = new Date(Math.floor(Date.now() / 1000) * 1000 - 3 * 3_600_000);
      pa.registry.revoke('revoked', { reason: 'keyCompromise', time });
      try {
        const r = await ocsp('int', 'revoked');
        expect(statusOf(r.output, f('revoked')), r.output).to.equal('revoked');
        expect(r.output).to.match(/Reason: keyCompromise/);
        expect(r.output).to.contain(`Revocation Time: ${opensslDate(time)}`);
        expect(r.output).to.contain('Response verify OK');
        // another cert of the same CA is unaffected
        expect(statusOf((await ocsp('int', 'good')).output, f('good'))).to.equal('good');
      } finally {
        pa.registry.unrevoke('revoked');
      }
    });

    it('unknown: a serial the CA never issued', async function () {
      const r = await openssl(['ocsp', '-issuer', f('int'), '-serial', '0x1234abcd', '-url', ocspUrl('int'), '-CAfile', f('root')]);
      expect(r.output).to.match(/0x1234abcd: unknown/i);
      expect(r.output).to.contain('Response verify OK');
    });

    it('a delegated responder: signed by the ocsp-signer, its cert included, verify OK', async function () {
      const r = await openssl(['ocsp', '-issuer', f('int-d'), '-cert', f('leaf-d'), '-url', ocspUrl('int-d', 'd'), '-CAfile', f('root-d'), '-resp_text']);
      expect(r.code, r.output).to.equal(0);
      expect(statusOf(r.output, f('leaf-d'))).to.equal('good');
      expect(r.output).to.contain('Response verify OK');
      expect(r.output).to.contain('Responder Id: CN = Delegated OCSP Signer, O = tlsgate');
      // the included certificate is the signer's, byte for byte
      const pem = d.get('signer-d').pem.trim();
      expect(r.output).to.contain(pem.split('\n').slice(1, -1).join('\n'));
    });

    it('a CA-signed answer names the CA as responder and includes no certificate', async function () {
      const r = await ocsp('int', 'good', { extra: ['-resp_text'] });
      expect(r.output).to.contain('Responder Id: CN = Revocation Test Int, O = tlsgate');
      expect(r.output).to.not.contain('-----BEGIN CERTIFICATE-----');
    });

    it('a request about another issuer\'s cert (same CA name, other key) is answered unauthorized', async function () {
      const r = await ocsp('int-b', 'leaf-b', { url: ocspUrl('int'), root: 'root-b' });
      expect(r.output).to.match(/Responder Error: unauthorized \(6\)/i);
      await stillGood();
    });
  });

  describe('revoking while running', function () {
    const crlText = async (caId: string, name: string, query = '') => {
      const c = await fetchCrl(caId, name, query);
      return opensslOk(['crl', '-inform', 'DER', '-in', c.path, '-noout', '-text']);
    };
    const crlNumber = (text: string) => Number(/X509v3 CRL Number:\s*\n\s*(\d+)/.exec(text)?.[1]);
    const serialUpper = (id: string) => a.get(id).serialHex.toUpperCase();

    it('good -> revoke -> the next OCSP answer is revoked and the next CRL lists it, with a higher CRL number', async function () {
      const before = await crlText('int', 'live-1.der');
      expect(before).to.not.contain(serialUpper('revoked'));
      expect(statusOf((await ocsp('int', 'revoked')).output, f('revoked'))).to.equal('good');
      const time = new Date(Math.floor(Date.now() / 1000) * 1000 - 600_000);
      pa.registry.revoke('revoked', { reason: 'keyCompromise', time });
      try {
        const r = await ocsp('int', 'revoked');
        expect(statusOf(r.output, f('revoked')), r.output).to.equal('revoked');
        const after = await crlText('int', 'live-2.der');
        expect(after).to.match(new RegExp(`Serial Number: ${serialUpper('revoked')}\\s+Revocation Date: ${opensslDate(time).replace(/ {2}/g, '\\s+')}\\s+CRL entry extensions:\\s+X509v3 CRL Reason Code:\\s+Key Compromise`));
        expect(after).to.not.contain(serialUpper('good'));
        expect(crlNumber(after)).to.be.above(crlNumber(before));
        const v = await verifyWithCrls('revoked');
        expect(v.output).to.contain('certificate revoked');
      } finally {
        pa.registry.unrevoke('revoked');
      }
    });

    it('certificateHold, then unrevoke: good again, gone from the base CRL, removeFromCRL in the delta CRL', async function () {
      pa.registry.revoke('hold', { reason: 'certificateHold' });
      const held = await ocsp('int', 'hold');
      expect(statusOf(held.output, f('hold')), held.output).to.equal('revoked');
      expect(held.output).to.match(/Reason: certificateHold/);
      expect(await crlText('int', 'hold-1.der')).to.match(new RegExp(`Serial Number: ${serialUpper('hold')}[\\s\\S]*?Certificate Hold`));

      pa.registry.unrevoke('hold');
      const again = await ocsp('int', 'hold');
      expect(statusOf(again.output, f('hold')), again.output).to.equal('good');
      const base = await crlText('int', 'hold-2.der');
      expect(base).to.not.contain(serialUpper('hold'));
      const deltaRes = await http(crlUrl('int').replace(/\.crl$/, '.delta.crl'));
      expect(deltaRes.status).to.equal(200);
      const delta = { path: await tmp.write('hold-delta.der', deltaRes.body) };
      const deltaText = await opensslOk(['crl', '-inform', 'DER', '-in', delta.path, '-noout', '-text']);
      expect(deltaText).to.match(/X509v3 Delta CRL Indicator: critical\s*\n\s*\d+/);
      expect(deltaText).to.match(new RegExp(`Serial Number: ${serialUpper('hold')}[\\s\\S]*?Remove From CRL`));
      expect(await opensslOk(['crl', '-inform', 'DER', '-in', delta.path, '-CAfile', tmp.file('chain.pem'), '-noout'])).to.contain('verify OK');
    });

    it('each delta CRL names a complete CRL as its base (RFC 5280 5.2.4), also when two deltas are fetched in a row', async function () {
      const deltaUrl = crlUrl('int').replace(/\.crl$/, '.delta.crl');
      const base = crlNumber(await crlText('int', 'base-for-delta.der'));
      const indicators: number[] = [];
      const numbers: number[] = [];
      for (const name of ['delta-1.der', 'delta-2.der']) {
        const r = await http(deltaUrl);
        const text = await opensslOk(['crl', '-inform', 'DER', '-in', await tmp.write(name, r.body), '-noout', '-text']);
        indicators.push(Number(/Delta CRL Indicator: critical\s*\n\s*(\d+)/.exec(text)?.[1]));
        numbers.push(crlNumber(text));
      }
      expect(numbers[0]).to.be.above(base);
      expect(numbers[1]).to.be.above(numbers[0]!);
      // the only complete CRL issued so far is `base`; the first delta is not one
      expect(indicators, `base CRL #${base}, deltas #${numbers.join(', #')}`).to.deep.equal([base, base]);
    });
  });

  describe('CRLs', function () {
    it('DER by default, signed by the CA: `openssl crl -CAfile` verifies it', async function () {
      const c = await fetchCrl('int', 'der.crl');
      expect(c.status).to.equal(200);
      expect(c.contentType).to.equal('application/pkix-crl');
      expect(c.body[0]).to.equal(0x30);
      const out = await opensslOk(['crl', '-inform', 'DER', '-in', c.path, '-CAfile', tmp.file('chain.pem'), '-noout', '-text']);
      expect(out).to.contain('verify OK');
      expect(out).to.contain('Issuer: CN = Revocation Test Int, O = tlsgate');
      const root = await fetchCrl('root', 'root.crl');
      expect(await opensslOk(['crl', '-inform', 'DER', '-in', root.path, '-CAfile', f('root'), '-noout'])).to.contain('verify OK');
    });

    it('PEM with ?format=pem ("BEGIN X509 CRL")', async function () {
      const c = await fetchCrl('int', 'pem.crl', '?format=pem');
      expect(c.status).to.equal(200);
      expect(c.body.toString('utf8')).to.match(/^-----BEGIN X509 CRL-----\n[A-Za-z0-9+/=\n]+-----END X509 CRL-----\n$/);
      expect(await opensslOk(['crl', '-in', c.path, '-CAfile', tmp.file('chain.pem'), '-noout'])).to.contain('verify OK');
    });

    it('openssl verify -crl_check_all with both CAs\' CRLs: OK for a good cert, "certificate revoked" for a revoked one', async function () {
      const ok = await verifyWithCrls('good');
      expect(ok.output).to.contain(': OK');
      pa.registry.revoke('revoked');
      try {
        const bad = await verifyWithCrls('revoked');
        expect(bad.output).to.contain('certificate revoked');
        expect(bad.code).to.not.equal(0);
      } finally {
        pa.registry.unrevoke('revoked');
      }
    });

    it('.crt serves the CA certificate (AIA caIssuers)', async function () {
      const r = await http(servers.endpointsFor('a').caIssuersUrl('int'));
      expect(r.status).to.equal(200);
      expect(r.headers['content-type']).to.equal('application/pkix-cert');
      expect(r.body.equals(a.get('int').der)).to.equal(true);
    });
  });

  describe('faults', function () {
    let ocspReq: Buffer;
    before(async function () {
      const p = tmp.file('faulty-req.der');
      await opensslOk(['ocsp', '-issuer', f('int'), '-cert', f('faulty'), '-reqout', p]);
      ocspReq = await readFile(p);
    });
    const postOcsp = (opts: { timeoutMs?: number; maxBytes?: number } = {}) =>
      http(ocspUrl('int'), { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: ocspReq, ...opts });
    const crlFault = (fault: Fault) => pa.faults.set({ caId: 'int' }, 'crl', fault);
    const ocspFault = (fault: Fault) => pa.faults.set({ certId: 'faulty' }, 'ocsp', fault);
    const ocspFaulty = (extra: string[] = []) => ocsp('int', 'faulty', { extra });

    it('delay: the answer comes after at least N ms and is correct (CRL and OCSP)', async function () {
      crlFault({ kind: 'delay', ms: 300 });
      const c = await http(crlUrl('int'));
      expect(c.ms).to.be.at.least(300);
      expect((await opensslOk(['crl', '-inform', 'DER', '-CAfile', tmp.file('chain.pem'), '-noout'], { input: c.body }))).to.contain('verify OK');
      ocspFault({ kind: 'delay', ms: 300 });
      const started = performance.now();
      const r = await ocspFaulty();
      expect(performance.now() - started).to.be.at.least(300);
      expect(statusOf(r.output, f('faulty'))).to.equal('good');
      expect(r.output).to.contain('Response verify OK');
    });

    it('hang: the client\'s timeout fires; the server stays up for others', async function () {
      crlFault({ kind: 'hang' });
      ocspFault({ kind: 'hang' });
      const started = performance.now();
      const errors = await Promise.all([http(crlUrl('int'), { timeoutMs: 250 }), postOcsp({ timeoutMs: 250 })].map((p) => p.then(() => undefined, (e: Error & { code?: string }) => e)));
      for (const e of errors) expect(e?.code).to.equal('TEST_TIMEOUT');
      expect(performance.now() - started).to.be.within(240, 3000);
      pa.faults.clearAll();
      await stillGood();
    });

    it('hang: close() returns promptly with requests hanging, and leaves no open handles', async function () {
      const relevant = () => process.getActiveResourcesInfo().filter((r) => /TCP|Timeout|Pipe|Immediate/.test(r)).sort();
      await sleep(20); // after mocha has armed this test's own timeout timer
      const baseline = relevant();
      const own = await RevocationServers.start();
      const h = own.attach('hang', a);
      h.faults.set({ caId: 'int' }, 'crl', { kind: 'hang' });
      h.faults.set({ caId: 'int' }, 'ocsp', { kind: 'hang' });
      // if close() ever stops destroying hung sockets, the client gives up here, so the run fails instead of hanging
      const client = new AbortController();
      const pending = [
        http(own.endpointsFor('hang').crlUrl('int'), { signal: client.signal }),
        http(own.endpointsFor('hang').ocspUrl('int'), { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: ocspReq, signal: client.signal }),
      ].map((p) => p.then(() => 'answered', (e: Error) => e.message));
      for (let i = 0; i < 100 && h.log.entries().length < 2; i++) await sleep(10);
      expect(h.log.entries().map((e) => e.fault)).to.deep.equal(['hang', 'hang']);
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const closed = await Promise.race([
        own.close().then(() => 'closed'),
        new Promise<string>((resolve) => { timer = setTimeout(() => resolve('still open after 2 s'), 2000); }),
      ]);
      clearTimeout(timer);
      client.abort();
      expect(closed).to.equal('closed');
      expect(performance.now() - started).to.be.below(500);
      const outcomes = await Promise.all(pending);
      for (const o of outcomes) expect(o).to.not.equal('answered');
      await sleep(20);
      expect(relevant()).to.deep.equal(baseline);
    });

    it('http-status 404 and 500: that status and an empty body (CRL and OCSP); openssl ocsp reports the code', async function () {
      for (const status of [404, 500]) {
        crlFault({ kind: 'http-status', status });
        const c = await http(crlUrl('int'));
        expect(c.status).to.equal(status);
        expect(c.body.length).to.equal(0);
        ocspFault({ kind: 'http-status', status });
        const o = await postOcsp();
        expect(o.status).to.equal(status);
        expect(o.body.length).to.equal(0);
        const r = await ocspFaulty();
        expect(r.output).to.contain(`code=${status}`);
        expect(statusOf(r.output, f('faulty'))).to.equal(undefined);
      }
    });

    it('truncate: the body is half the real answer, content-length says so, and it no longer parses', async function () {
      const full = await http(crlUrl('int'));
      crlFault({ kind: 'truncate' });
      const half = await http(crlUrl('int'));
      expect(half.status).to.equal(200);
      expect(half.body.length).to.be.within(Math.floor(full.body.length / 2) - 1, Math.floor(full.body.length / 2) + 1);
      expect(Number(half.headers['content-length'])).to.equal(half.body.length);
      // the first half of a real CRL: a SEQUENCE that names its issuer
      expect(half.body[0]).to.equal(0x30);
      expect(half.body.includes(Buffer.from('Revocation Test Int'))).to.equal(true);
      expect((await openssl(['crl', '-inform', 'DER', '-noout'], { input: half.body })).code).to.not.equal(0);

      const fullOcsp = await postOcsp();
      ocspFault({ kind: 'truncate' });
      const halfOcsp = await postOcsp();
      expect(halfOcsp.body.length).to.be.within(Math.floor(fullOcsp.body.length / 2) - 2, Math.floor(fullOcsp.body.length / 2) + 2);
      expect((await ocspFaulty()).output).to.match(/inconsistent content length|Error querying OCSP responder/);
    });

    it('garbage: random bytes (at least 64) that neither openssl crl nor openssl ocsp can read', async function () {
      crlFault({ kind: 'garbage' });
      const [g1, g2] = [await http(crlUrl('int')), await http(crlUrl('int'))];
      expect(g1.status).to.equal(200);
      expect(g1.body.length).to.be.at.least(64);
      expect(g1.body.equals(g2.body)).to.equal(false);
      const r = await openssl(['crl', '-inform', 'DER', '-noout'], { input: g1.body });
      expect(r.code).to.not.equal(0);
      expect(r.output).to.contain('Could not read CRL');
      ocspFault({ kind: 'garbage' });
      const o = await ocspFaulty();
      expect(o.code).to.not.equal(0);
      expect(o.output).to.match(/Error querying OCSP responder|Error reading OCSP response/);
      expect(o.output).to.not.contain('Response verify OK');
    });

    it('trickle: the right bytes, arriving one at a time, slowly', async function () {
      crlFault({ kind: 'trickle', intervalMs: 3 });
      const t = await http(crlUrl('int'));
      expect(t.status).to.equal(200);
      expect(t.chunkTimes.length).to.be.at.least(Math.floor(t.body.length / 2));
      expect(t.ms).to.be.at.least((t.body.length - 1) * 3);
      expect(await opensslOk(['crl', '-inform', 'DER', '-CAfile', tmp.file('chain.pem'), '-noout'], { input: t.body })).to.contain('verify OK');
    });

    it('endless: a client can read 1 MB and abort; the server survives', async function () {
      crlFault({ kind: 'endless' });
      const e = await http(crlUrl('int'), { maxBytes: 1024 * 1024, timeoutMs: 5000 });
      expect(e.status).to.equal(200);
      expect(e.body.length).to.be.at.least(1024 * 1024);
      expect(e.headers['content-length']).to.equal(undefined);
      ocspFault({ kind: 'endless' });
      const o = await postOcsp({ maxBytes: 1024 * 1024, timeoutMs: 5000 });
      expect(o.body.length).to.be.at.least(1024 * 1024);
      pa.faults.clearAll();
      await sleep(20);
      await stillGood();
    });

    it('stale: OCSP "status expired", CRL "CRL has expired"', async function () {
      ocspFault({ kind: 'stale' });
      const r = await ocspFaulty();
      expect(r.output).to.contain('status expired');
      crlFault({ kind: 'stale' });
      const c = await fetchCrl('int', 'stale.crl');
      const v = await verifyWithCrls('good', c.path);
      expect(v.output).to.contain('CRL has expired');
    });

    it('future: OCSP "status not yet valid", CRL "CRL is not yet valid"', async function () {
      ocspFault({ kind: 'future' });
      expect((await ocspFaulty()).output).to.contain('status not yet valid');
      crlFault({ kind: 'future' });
      const c = await fetchCrl('int', 'future.crl');
      expect((await verifyWithCrls('good', c.path)).output).to.contain('CRL is not yet valid');
    });

    it('wrong-key: OCSP "Response Verify Failure" (signature failure), CRL "verify failure" / "CRL signature failure"', async function () {
      ocspFault({ kind: 'wrong-key' });
      const r = await ocspFaulty();
      expect(r.output).to.contain('Response Verify Failure');
      expect(r.output).to.contain('signature failure');
      crlFault({ kind: 'wrong-key' });
      const c = await fetchCrl('int', 'wrong-key.crl');
      const out = await openssl(['crl', '-inform', 'DER', '-in', c.path, '-CAfile', tmp.file('chain.pem'), '-noout']);
      expect(out.output).to.contain('verify failure');
      expect(out.output).to.not.contain('verify OK');
      expect((await verifyWithCrls('good', c.path)).output).to.contain('CRL signature failure');
    });

    it('signer-without-eku: openssl refuses the responder ("missing ocspsigning usage")', async function () {
      ocspFault({ kind: 'signer-without-eku' });
      const r = await ocspFaulty(['-resp_text']);
      expect(r.output).to.contain('Response Verify Failure');
      expect(r.output).to.contain('missing ocspsigning usage');
      // the responder cert really is one the CA issued, without the EKU
      expect(r.output).to.match(/Issuer: CN ?= ?Revocation Test Int, ?O ?= ?tlsgate/);
      expect(r.output).to.not.contain('OCSP Signing');
    });

    it('certid-mismatch: openssl finds no status for its cert', async function () {
      ocspFault({ kind: 'certid-mismatch' });
      const r = await ocspFaulty();
      expect(r.output).to.contain('No Status found');
      expect(statusOf(r.output, f('faulty'))).to.equal(undefined);
    });

    it('nonce-mismatch: "Nonce Verify error"', async function () {
      ocspFault({ kind: 'nonce-mismatch' });
      const r = await ocspFaulty();
      expect(r.output).to.contain('Nonce Verify error');
      expect(r.code).to.not.equal(0);
    });

    it('unknown-status: a signed, valid "unknown" for a cert the CA did issue', async function () {
      ocspFault({ kind: 'unknown-status' });
      const r = await ocspFaulty();
      expect(statusOf(r.output, f('faulty')), r.output).to.equal('unknown');
      expect(r.output).to.contain('Response verify OK');
    });

    const ERRORS: Array<[OcspErrorStatus, string]> = [
      ['malformedRequest', 'malformedrequest (1)'],
      ['internalError', 'internalerror (2)'],
      ['tryLater', 'trylater (3)'],
      ['sigRequired', 'sigrequired (5)'],
      ['unauthorized', 'unauthorized (6)'],
    ];
    for (const [status, text] of ERRORS) {
      it(`ocsp-status ${status}: "Responder Error: ${text}"`, async function () {
        ocspFault({ kind: 'ocsp-status', status });
        const r = await ocspFaulty();
        expect(r.output.toLowerCase()).to.contain(`responder error: ${text}`);
      });
    }

    it('a fault on one cert leaves another cert of the same CA alone; a cert fault wins over a CA fault', async function () {
      ocspFault({ kind: 'unknown-status' });
      const quiet = await ocsp('int', 'quiet');
      expect(statusOf(quiet.output, f('quiet')), quiet.output).to.equal('good');
      pa.faults.set({ caId: 'int' }, 'ocsp', { kind: 'ocsp-status', status: 'tryLater' });
      const faulty = await ocspFaulty();
      expect(statusOf(faulty.output, f('faulty')), faulty.output).to.equal('unknown');
      expect((await ocsp('int', 'quiet')).output.toLowerCase()).to.contain('responder error: trylater (3)');
      // and another CA of the same PKI is not affected by int's fault
      expect(statusOf((await ocsp('root', 'int')).output, f('int'))).to.equal('good');
    });
  });

  describe('the request log', function () {
    it('records method, path, serials, answer and fault of each request, only in its own namespace', async function () {
      const t0 = Date.now();
      await ocsp('int', 'good');
      await http(crlUrl('int'));
      pa.faults.set({ caId: 'int' }, 'ocsp', { kind: 'unknown-status' });
      await ocsp('int', 'quiet');
      pa.faults.clearAll();
      const entries = pa.log.since(t0);
      expect(entries).to.have.length(3);
      expect(entries[0]).to.deep.include({ server: 'ocsp', method: 'POST', path: '/a/int', caId: 'int', serials: [a.get('good').serialHex], answer: 'good', fault: undefined });
      expect(entries[1]).to.deep.include({ server: 'crl', method: 'GET', path: '/a/int.crl', caId: 'int', serials: [], fault: undefined });
      expect(entries[1]!.answer).to.match(/crl/);
      expect(entries[2]).to.deep.include({ serials: [a.get('quiet').serialHex], answer: 'unknown', fault: 'unknown-status' });
      for (const e of entries) {
        expect(e.at).to.be.at.least(t0);
        expect(e.durationMs).to.be.a('number');
      }
      expect(pd.log.since(t0)).to.deep.equal([]);
      expect(pb.log.since(t0)).to.deep.equal([]);

      const t1 = Date.now();
      await openssl(['ocsp', '-issuer', f('int-d'), '-cert', f('leaf-d'), '-url', ocspUrl('int-d', 'd'), '-CAfile', f('root-d')]);
      expect(pd.log.since(t1)).to.have.length(1);
      expect(pd.log.since(t1)[0]).to.deep.include({ path: '/d/int-d', caId: 'int-d', serials: [d.get('leaf-d').serialHex], answer: 'good' });
      expect(pa.log.since(t1)).to.deep.equal([]);
    });
  });

  describe('bad input', function () {
    afterEach(async function () {
      await stillGood();
    });

    it('POST garbage: HTTP 200 with a malformedRequest OCSP response', async function () {
      const r = await http(ocspUrl('int'), { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: Buffer.from('this is not DER at all') });
      expect(r.status).to.equal(200);
      expect(r.headers['content-type']).to.equal('application/ocsp-response');
      const out = await openssl(['ocsp', '-respin', await tmp.write('garbage-resp.der', r.body), '-resp_text', '-noverify']);
      expect(out.output).to.match(/Responder Error: malformedrequest \(1\)/i);
      expect(pa.log.entries().at(-1)!.answer).to.equal('malformedRequest');
    });

    it('a body over 64 KiB: 413 (with content-length and chunked)', async function () {
      const big = Buffer.alloc(64 * 1024 + 1, 0x30);
      const r = await http(ocspUrl('int'), { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: big });
      expect(r.status).to.equal(413);
      const chunked = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(ocspUrl('int'), { method: 'POST', agent: false, headers: { 'content-type': 'application/ocsp-request', 'transfer-encoding': 'chunked' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        for (let i = 0; i < 5; i++) req.write(Buffer.alloc(16 * 1024, 0x30));
        req.end();
      });
      expect(chunked).to.equal(413);
      // exactly 64 KiB is still read (and is garbage: malformedRequest)
      const edge = await http(ocspUrl('int'), { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: Buffer.alloc(64 * 1024, 0x30) });
      expect(edge.status).to.equal(200);
    });

    it('a wrong content-type: 415', async function () {
      const req = await readFile(tmp.file('faulty-req.der')).catch(async () => {
        const p = tmp.file('faulty-req.der');
        await opensslOk(['ocsp', '-issuer', f('int'), '-cert', f('faulty'), '-reqout', p]);
        return readFile(p);
      });
      const r = await http(ocspUrl('int'), { method: 'POST', headers: { 'content-type': 'text/plain' }, body: req });
      expect(r.status).to.equal(415);
      const ok = await http(ocspUrl('int'), { method: 'POST', headers: { 'content-type': 'application/ocsp-request; charset=binary' }, body: req });
      expect(ok.status).to.equal(200);
    });

    it('GET with invalid base64 (or broken percent-encoding): malformedRequest', async function () {
      for (const bad of ['not*base64!', 'QUJD%zz', 'QUJDRA']) {
        const r = await http(`${ocspUrl('int')}/${bad}`);
        expect(r.status, bad).to.equal(200);
        const out = await openssl(['ocsp', '-respin', await tmp.write('bad-get.der', r.body), '-resp_text', '-noverify']);
        expect(out.output, bad).to.match(/Responder Error: malformedrequest \(1\)/i);
      }
    });

    it('unknown namespace or CA: 404 from both servers', async function () {
      for (const url of [
        `${servers.ocsp.origin}/nope/int`, `${servers.ocsp.origin}/a/nope`, `${servers.ocsp.origin}/a`,
        `${servers.crl.origin}/nope/int.crl`, `${servers.crl.origin}/a/nope.crl`, `${servers.crl.origin}/a/nope.crt`, `${servers.crl.origin}/a/int.txt`,
      ]) {
        const r = await http(url);
        expect(r.status, url).to.equal(404);
      }
      const post = await http(`${servers.ocsp.origin}/nope/int`, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: Buffer.from('x') });
      expect(post.status).to.equal(404);
    });

    it('a detached namespace answers 404', async function () {
      const extra = servers.attach('temp', b);
      expect((await http(servers.endpointsFor('temp').crlUrl('int-b'))).status).to.equal(200);
      extra.detach();
      expect((await http(servers.endpointsFor('temp').crlUrl('int-b'))).status).to.equal(404);
    });

    it('a malformed percent-escape in the namespace is a client error (4xx), not a server error', async function () {
      for (const url of [`${servers.crl.origin}/%zz/int.crl`, `${servers.ocsp.origin}/%zz/int`]) {
        const r = await http(url);
        expect(r.status, url).to.be.within(400, 499);
      }
    });

    it('a leaf is not a CA: no CRL and no OCSP responder under a leaf\'s id', async function () {
      expect((await http(`${servers.crl.origin}/a/good.crl`)).status).to.equal(404);
      expect((await http(`${servers.ocsp.origin}/a/good`, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: Buffer.from('x') })).status).to.equal(404);
    });
  });
});
