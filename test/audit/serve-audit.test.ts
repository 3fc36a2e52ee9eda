/**
 * `tlsgate serve --audit FILE`: what the mock CA does while it serves is written as JSON Lines
 * and printed live; an OCSP request from the openssl CLI (an independent client) shows up as
 * the answer openssl itself received.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CLI, start, waitForOutput } from '../cli/spawn.js';

const run = promisify(execFile);

interface Line { seq: number; event: string; cert?: string; serial?: string; answers?: Array<{ serial: string; status: string }>; nonce?: string | null }

describe('tlsgate serve --audit (spawned process, openssl as the OCSP client)', function () {
  this.timeout(90_000);
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'tlsgate-serve-audit-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes and prints issued, revoked and ocsp-answered events, in order', async () => {
    const out = join(dir, 'pki');
    const file = join(dir, 'audit.jsonl');
    const child = start([...CLI, 'serve', '--out', out, '--audit', file]);
    let stdout = '';
    child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
    let ocspText: string | undefined;
    try {
      await waitForOutput(child, 'Press Ctrl-C');
      const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { certificates: Array<{ id: string; ocspUrl: string | null }> };
      const url = manifest.certificates.find((c) => c.id === 'revoked-server')!.ocspUrl!;
      const f = (name: string) => join(out, name);
      ocspText = (await run('openssl', ['ocsp', '-issuer', f('intermediate.pem'), '-cert', f('revoked-server.pem'), '-url', url, '-CAfile', f('root.pem')])).stdout;
      // printed live: the answer's line arrives while serve runs
      const deadline = Date.now() + 20_000;
      while (!stdout.includes('"ocsp-answered"') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    } finally {
      child.kill('SIGINT');
    }
    const done = await child.done;
    expect(done.code, done.stderr).to.equal(0);
    expect(ocspText).to.include('revoked-server.pem: revoked');
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Line);
    expect(lines.map((l) => l.seq)).to.deep.equal(lines.map((_, i) => i + 1));
    const printed = done.stdout.split('\n').filter((l) => l.startsWith('audit ')).map((l) => JSON.parse(l.slice(6)) as Line);
    expect(printed).to.deep.equal(lines);
    const issued = lines.filter((l) => l.event === 'issued');
    expect(issued.map((l) => l.cert)).to.have.members(['root', 'intermediate', 'good-server', 'revoked-server', 'good-client', 'revoked-client']);
    const revokedServer = issued.find((l) => l.cert === 'revoked-server')!;
    expect(lines.filter((l) => l.event === 'revoked').map((l) => l.cert)).to.include('revoked-server');
    const answered = lines.filter((l) => l.event === 'ocsp-answered');
    expect(answered.at(-1)!.answers).to.deep.equal([{ serial: revokedServer.serial, status: 'revoked' }]);
    // openssl sends a nonce by default, and the responder echoes it
    expect(answered.at(-1)!.nonce).to.match(/^[0-9a-f]+$/);
    expect(lines.findIndex((l) => l.event === 'revoked' && l.cert === 'revoked-server')).to.be.below(lines.indexOf(answered.at(-1)!));
  });
});
