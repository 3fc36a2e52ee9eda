/**
 * `client.checkName: false` on every built-in client driver that can express it: a certificate
 * for another host is refused by default and accepted with checkName: false (a flipped pair per
 * mechanism: s_client without -verify_hostname/-verify_ip, an https.Agent's, got's, ws's, pg's,
 * ioredis' and nodemailer's checkServerIdentity, grpc-js' verifyOptions, mysql2 without
 * ssl.verifyIdentity). Drivers that cannot are refused at the line of checkName, named.
 * Real handshakes over loopback through the engine; the CLI exits 2 on a refusal.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, type Engine } from '../../harness/session/engine.js';
import { loadScenarios } from '../../harness/scenario/load.js';
import { tlsgate } from '../cli/spawn.js';

const PKI = `pki:
  certs:
    - { id: root, role: root, subject: "CN=Name Check Root" }
    - { id: leaf, role: server, issuer: root, subject: "CN=api.example.test", san: { dns: [api.example.test] } }
defaults:
  server: { cert: leaf }
  client: { servername: other.example.test, trust: [root] }
`;

/** driver, its server, the client fields of the default (name-checking) side */
const MECHANISMS: ReadonlyArray<{ driver: string; server?: string; client?: string; checked?: string }> = [
  { driver: 'openssl-s_client' },
  { driver: 'openssl-s_client', client: 'servername: 127.0.0.1' },
  { driver: 'node-tls' },
  { driver: 'axios' },
  { driver: 'got' },
  { driver: 'node-fetch' },
  { driver: 'ws', server: 'ws-echo' },
  { driver: 'grpc-js', server: 'grpc', client: 'servername: localhost' },
  { driver: 'pg', server: 'postgres' },
  // mysql2 checks a name only with ssl.verifyIdentity, and without it checks none
  { driver: 'mysql2', server: 'mysql', checked: 'library: { verifyIdentity: true }' },
  { driver: 'ioredis', server: 'redis' },
  { driver: 'nodemailer', server: 'smtp' },
];

function pairs(): string {
  const lines = [PKI, 'scenarios:'];
  for (const m of MECHANISMS) {
    const server = m.server ? `{ cert: leaf, driver: ${m.server} }` : '{ cert: leaf }';
    const extra = m.client ? `, ${m.client}` : '';
    lines.push(
      `  - name: "${m.driver}${extra ? ` (${m.client})` : ''} checks the name"`,
      `    server: ${server}`,
      `    client: { driver: ${m.driver}${extra}${m.checked ? `, ${m.checked}` : ''} }`,
      '    expect: { outcome: reject, category: hostname-mismatch }',
      `  - name: "${m.driver}${extra ? ` (${m.client})` : ''} without a name check"`,
      `    server: ${server}`,
      `    client: { driver: ${m.driver}${extra}, checkName: false }`,
      '    expect: { outcome: accept }',
    );
  }
  return `${lines.join('\n')}\n`;
}

const REFUSED = `${PKI}scenarios:
  - name: gnutls-cli
    client: { driver: gnutls-cli, checkName: false }
    expect: { outcome: accept }
  - name: curl
    client:
      driver: curl
      checkName: false
    expect: { outcome: accept }
  - name: pg ssl true
    server: { cert: leaf, driver: postgres }
    client: { driver: pg, library: { ssl: true }, checkName: false }
    expect: { outcome: accept }
  - name: mysql2 verifyIdentity
    server: { cert: leaf, driver: mysql }
    client: { driver: mysql2, library: { verifyIdentity: true }, checkName: false }
    expect: { outcome: accept }
  - name: grpc-js own hook
    server: { cert: leaf, driver: grpc }
    client: { driver: grpc-js, servername: localhost, library: { checkServerIdentity: node }, checkName: false }
    expect: { outcome: accept }
  - name: node-fetch behind a proxy
    client: { driver: node-fetch, proxy: {}, checkName: false }
    expect: { outcome: accept }
`;

describe('client.checkName: false on every client driver', function () {
  this.timeout(180_000);
  let dir: string;
  let engine: Engine | undefined;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tlsgate-name-check-drivers-'));
  });
  after(async () => {
    await engine?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('each mechanism refuses a wrong name by default and accepts it with checkName: false', async () => {
    const file = join(dir, 'pairs.yaml');
    writeFileSync(file, pairs());
    const { scenarios, problems } = await loadScenarios([file]);
    expect(problems).to.deep.equal([]);
    expect(scenarios).to.have.length(MECHANISMS.length * 2);
    engine = await createEngine({ certsDir: join(dir, 'certs'), timeoutMs: 10_000 });
    const signal = new AbortController().signal;
    const seen: string[] = [];
    for (const s of scenarios) {
      const r = await engine.run(s, signal);
      seen.push(`${s.name}: ${r.verdict.status === 'passed' ? 'as expected' : JSON.stringify(r.verdict)}`);
    }
    expect(seen).to.deep.equal(scenarios.map((s) => `${s.name}: as expected`));
  });

  it('a driver that cannot skip only the name check is refused at the line of checkName, naming the driver; the CLI exits 2', async () => {
    const file = join(dir, 'refused.yaml');
    writeFileSync(file, REFUSED);
    const { problems } = await loadScenarios([file]);
    const lines = problems.map((p) => `${p.line}: ${p.message}`);
    expect(lines).to.have.length(6);
    expect(lines[0]).to.match(/^10: client\.checkName: false cannot be honoured by the gnutls-cli driver: gnutls-cli always checks a name/);
    expect(lines[1]).to.match(/^15: client\.checkName: false cannot be honoured by the curl driver/);
    expect(lines[2]).to.match(/^19: .* by the pg driver: pg with ssl: true/);
    expect(lines[3]).to.match(/^23: .* by the mysql2 driver: mysql2 ignores ssl\.checkServerIdentity/);
    expect(lines[4]).to.match(/^27: .* by the grpc-js driver: library\.checkServerIdentity/);
    expect(lines[5]).to.match(/^30: .* by the node-fetch driver: behind a proxy/);
    const r = await tlsgate(['run', file, '--certs', join(dir, 'certs')]);
    expect(r.code, r.stdout + r.stderr).to.equal(2);
    expect(r.stderr + r.stdout).to.include(`${file}:10`);
  });
});
