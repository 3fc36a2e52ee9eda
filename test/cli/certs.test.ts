import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { opensslWords, runPrintedPair } from '../reproduce/openssl-pair.js';
import { tlsgate } from './spawn.js';

/** a free loopback port for openssl s_server */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe('tlsgate certs (spawned process; the printed openssl commands run for real)', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'tlsgate-certs-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const certs = async (scenario: string, out: string, extra: string[] = []) =>
    tlsgate(['certs', scenario, '--out', join(dir, out), '--certs', join(dir, 'cache'), '--port', String(await freePort()), ...extra]);

  it('writes the materials (keys 0600) and commands that reproduce an accepted chain', async () => {
    const r = await certs('chain/paths.yaml#two-level chain with the intermediate sent', 'ok');
    expect(r.code, r.stderr).to.equal(0);
    expect(statSync(join(dir, 'ok', 'leaf2.key')).mode & 0o777).to.equal(0o600);
    expect(readFileSync(join(dir, 'ok', 'server-sends.pem'), 'utf8')).to.include('BEGIN CERTIFICATE');
    const got = await runPrintedPair(r.stdout);
    expect(got.outcome, got.clientLog).to.equal('accept');
    expect(got.clientLog).to.include('Verify return code: 0 (ok)');
  });

  it("reproduces the scenario's server as it is: a missing intermediate stays missing", async () => {
    const r = await certs('chain/paths.yaml#intermediate not sent (incomplete chain)', 'missing');
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.not.include('-cert_chain');
    const got = await runPrintedPair(r.stdout);
    // s_client stops at the first error (20, no local issuer) where Node keeps the last (21): both refuse
    expect(got).to.include({ outcome: 'reject', side: 'client' });
    expect(got.clientLog).to.match(/verify error:num=2[01]/);
  });

  it('mTLS: the server asks for and verifies a client certificate, the client presents its identity', async () => {
    const r = await certs('mtls/client-certs.yaml#client certificate from an untrusted CA over TLS 1.2', 'mtls');
    expect(r.code, r.stderr).to.equal(0);
    const server = opensslWords(r.stdout, 's_server');
    const client = opensslWords(r.stdout, 's_client');
    expect(server).to.include.members(['-Verify', '-verify_return_error', '-CAfile', join(dir, 'mtls', 'server-client-cas.pem')]);
    expect(client).to.include.members(['-cert', join(dir, 'mtls', 'stranger.pem'), '-key', join(dir, 'mtls', 'stranger.key'), '-max_protocol', 'TLSv1.2']);
    const got = await runPrintedPair(r.stdout);
    expect(got).to.include({ outcome: 'reject', side: 'server' });
  });

  it('server-side CRLs: the CA file holds every CA CRL and the server checks the whole chain', async () => {
    const r = await certs('revocation/mtls.yaml#revoked client certificate over TLS 1.2', 'crl');
    expect(r.code, r.stderr).to.equal(0);
    expect(opensslWords(r.stdout, 's_server')).to.include('-crl_check_all');
    expect(readFileSync(join(dir, 'crl', 'server-client-cas.pem'), 'utf8').match(/BEGIN X509 CRL/g)).to.have.length(2);
    const got = await runPrintedPair(r.stdout);
    expect(got).to.include({ outcome: 'reject', side: 'server' });
    expect(got.serverLog).to.match(/certificate revoked/);
  });

  it('says precisely why a scenario cannot be reproduced, and prints no command for it', async () => {
    const r = await certs('revocation/ocsp.yaml#OCSP revoked', 'ocsp');
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/# not reproducible with openssl: the client checks revocation by OCSP/);
    expect(r.stdout).to.not.match(/^openssl |\| openssl /m);
  });

  it('refuses a port that is not one (exit 2, nothing written)', async () => {
    const r = await tlsgate(['certs', 'chain/paths.yaml#two-level chain with the intermediate sent', '--out', join(dir, 'badport'), '--port', '70000']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/--port wants a TCP port/);
    expect(() => statSync(join(dir, 'badport'))).to.throw();
  });
});
