/**
 * `client.checkName: false` models a client that replaces checkServerIdentity: a certificate
 * for another host is accepted (and refused with the default), and every reporter marks the
 * scenario as proving less. Real handshakes through the CLI.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tlsgate } from '../cli/spawn.js';

const FILE = `
pki:
  certs:
    - { id: root, role: root, subject: "CN=Name Check Root" }
    - { id: leaf, role: server, issuer: root, subject: "CN=api.example.test", san: { dns: [api.example.test] } }
defaults:
  server: { cert: leaf }
  client: { servername: other.example.test }
scenarios:
  - name: wrong name, name checked
    expect: { outcome: reject, category: hostname-mismatch }
  - name: wrong name, no name check
    client: { checkName: false }
    expect: { outcome: accept }
`;

describe('client.checkName: false (a client that replaces checkServerIdentity)', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tlsgate-no-name-check-'));
    writeFileSync(join(dir, 'names.yaml'), FILE);
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('accepts a certificate for another host, the default refuses it; console, JSON, JUnit and HTML mark it as proving less', async () => {
    const r = await tlsgate([
      'run', join(dir, 'names.yaml'), '--certs', join(dir, 'certs'), '--concurrency', '1',
      '--reporter', 'console', '--reporter', `json:${join(dir, 'r.json')}`, '--reporter', `junit:${join(dir, 'r.xml')}`, '--reporter', `html:${join(dir, 'html')}`,
    ]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const consoleLines = r.stdout.split('\n');
    const at = consoleLines.findIndex((l) => l.includes('wrong name, no name check'));
    expect(consoleLines[at + 1]).to.match(/proves less: no name check/);
    expect(r.stdout.match(/proves less/g)).to.have.length(1);

    const json = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as { results: Array<{ name: string; status: string; caveats?: string[] }> };
    expect(json.results.map((x) => [x.name, x.status, x.caveats?.length ?? 0])).to.deep.equal([
      ['wrong name, name checked', 'passed', 0],
      ['wrong name, no name check', 'passed', 1],
    ]);
    const junit = readFileSync(join(dir, 'r.xml'), 'utf8');
    expect(junit).to.match(/name="wrong name, no name check"[^>]*>\s*<system-out>proves less: no name check/);
    const html = readFileSync(join(dir, 'html', 'index.html'), 'utf8');
    expect(html.match(/badge caveat/g)).to.have.length(1);
  });
});
