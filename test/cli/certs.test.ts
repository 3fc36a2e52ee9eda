import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** the printed s_server and s_client lines, run for real on a free port; s_client's output */
async function reproduce(printed: string): Promise<string> {
  const line = (prefix: string) => printed.split('\n').find((l) => l.startsWith(prefix))!.replace(' </dev/null', '');
  const port = await freePort();
  const argv = (l: string) => l.replace(/8443/g, String(port)).split(' ').slice(1);
  const server = spawn('openssl', argv(line('openssl s_server')), { stdio: 'ignore' });
  try {
    for (let attempt = 0; attempt < 100; attempt++) {
      const out = await new Promise<string>((resolve) => {
        const client = spawn('openssl', argv(line('openssl s_client')), { stdio: ['ignore', 'pipe', 'pipe'] });
        let text = '';
        client.stdout.on('data', (d: Buffer) => { text += d; });
        client.stderr.on('data', (d: Buffer) => { text += d; });
        client.on('close', () => resolve(text));
      });
      if (/Verify return code|verify error/.test(out)) return out;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('s_server never answered');
  } finally {
    server.kill();
  }
}

describe('tlsgate certs (spawned process; the printed openssl commands run for real)', function () {
  this.timeout(30_000);
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'tlsgate-certs-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const certs = (scenario: string, out: string) =>
    tlsgate(['certs', `chain/paths.yaml#${scenario}`, '--out', join(dir, out), '--certs', join(dir, 'cache')]);

  it('writes the materials (keys 0600) and commands that reproduce an accepted chain', async () => {
    const r = await certs('two-level chain with the intermediate sent', 'ok');
    expect(r.code, r.stderr).to.equal(0);
    expect(statSync(join(dir, 'ok', 'leaf2.key')).mode & 0o777).to.equal(0o600);
    expect(readFileSync(join(dir, 'ok', 'server-sends.pem'), 'utf8')).to.include('BEGIN CERTIFICATE');
    expect(await reproduce(r.stdout)).to.include('Verify return code: 0 (ok)');
  });

  it("reproduces the scenario's server as it is: a missing intermediate stays missing", async () => {
    const r = await certs('intermediate not sent (incomplete chain)', 'missing');
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.not.include('-cert_chain');
    // s_client stops at the first error (20, no local issuer) where Node keeps the last (21): both refuse
    expect(await reproduce(r.stdout)).to.match(/certificate verify failed/).and.match(/verify error:num=2[01]/);
  });
});
