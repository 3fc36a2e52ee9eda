/**
 * Baselines record failing scenarios too (spawned CLI, real handshakes): recording exits 0 and
 * names what failed; a later run that fails exactly as recorded passes the gate ("fails as
 * recorded"); a failure that changed, or a new one, fails it.
 */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tlsgate } from '../cli/spawn.js';

const PKI = `pki:
  certs:
    - { id: root, role: root, subject: "CN=tlsgate failures test root" }
    - { id: leaf, role: server, issuer: root, subject: "CN=localhost", san: { dns: [localhost] } }
    - { id: expired, role: server, issuer: root, subject: "CN=localhost", san: { dns: [localhost] }, validity: { notBefore: -30d, notAfter: -1d } }
`;
/** the expired certificate is refused; the expectation says otherwise (or something else) */
const catalogue = (expiredExpect: string, validExpect = '{ outcome: accept }'): string => `${PKI}scenarios:
  - name: expired server certificate
    server: { cert: expired }
    expect: ${expiredExpect}
  - name: valid chain
    server: { cert: leaf }
    expect: ${validExpect}
`;
const KNOWN = 'gate.yaml#expired server certificate';

describe('baselines record failing scenarios (spawned CLI, real handshakes)', function () {
  this.timeout(60_000);
  let dir: string;
  let base: string;
  const certs = () => ['--certs', join(dir, 'certs')];
  const folder = (name: string, text: string): string => {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, 'gate.yaml'), text);
    return join(dir, name);
  };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tlsgate-failures-'));
    base = join(dir, 'baseline.json');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--update-baseline records a failing scenario, exits 0 and says on stderr what failed', async () => {
    const failing = folder('v1', catalogue('{ outcome: accept }'));
    const r = await tlsgate(['run', failing, ...certs(), '--update-baseline', base]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.match(/2 scenarios: 1 passed, 1 failed/);
    expect(r.stderr).to.include(`recorded 1 failing scenario in ${base}`).and.include(`${KNOWN}: outcome: expected "accepted", got "rejected"`);
    const line = readFileSync(base, 'utf8').split('\n').find((l) => l.includes(KNOWN));
    expect(line).to.include('"failure":["outcome: expected \\"accepted\\", got \\"rejected\\""]').and.include('"verdict":"failed"');
  });

  it('the same failure again passes the gate (exit 0) and is reported as "fails as recorded"', async () => {
    const json = join(dir, 'same.json');
    const r = await tlsgate(['run', join(dir, 'v1'), ...certs(), '--baseline', base, '--reporter', 'console', '--reporter', `json:${json}`]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.match(/2 scenarios: 1 passed, 1 failed/);
    expect(r.stdout).to.match(new RegExp(`Fails as recorded \\(1\\): known failures, not new\\n {4}${KNOWN}: outcome: expected "accepted", got "rejected"`));
    const drift = JSON.parse(readFileSync(json, 'utf8')).drift;
    expect(drift.failsGate).to.equal(false);
    expect(drift.failures.asRecorded.map((n: { id: string }) => n.id)).to.deep.equal([KNOWN]);
  });

  it('a failure that changed fails the gate (exit 1), naming how the baseline recorded it', async () => {
    const changed = folder('v2', catalogue('{ outcome: reject, category: revoked }'));
    const r = await tlsgate(['run', changed, ...certs(), '--baseline', base]);
    expect(r.code, r.stdout + r.stderr).to.equal(1);
    expect(r.stdout).to.include('New or changed failures (1): fails the gate');
    expect(r.stdout).to.include(`${KNOWN}: category: expected "revoked", got "expired" (baseline: failed: outcome: expected "accepted", got "rejected")`);
  });

  it('a new failure fails the gate (exit 1) even though the recorded one still fails as recorded', async () => {
    const worse = folder('v3', catalogue('{ outcome: accept }', '{ outcome: reject }'));
    const markdown = join(dir, 'drift.md');
    const r = await tlsgate(['run', worse, ...certs(), '--baseline', base, '--drift-markdown', markdown]);
    expect(r.code, r.stdout + r.stderr).to.equal(1);
    expect(r.stdout).to.match(/New or changed failures \(1\): fails the gate\n {4}gate\.yaml#valid chain: outcome: expected "rejected", got "accepted" \(baseline: passed\)/);
    expect(r.stdout).to.include('Fails as recorded (1)');
    expect(readFileSync(markdown, 'utf8')).to.include('### New or changed failures :x: fails the gate (1)').and.include('| gate.yaml#valid chain |');
  });
});
