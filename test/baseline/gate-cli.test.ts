/**
 * The baseline gate end to end, as CI runs it: record a baseline, change one scenario's server
 * so the connection it refused is now accepted (its expectation loosened to match, so only the
 * baseline can tell), and see the run fail with exit 1 naming the scenario, in every output.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { packageRoot } from '../../harness/model/paths.js';
import { tlsgate } from '../cli/spawn.js';

const BEFORE = 'test/baseline/fixtures/before';
const AFTER = 'test/baseline/fixtures/after';
const FLIPPED = 'gate.yaml#expired server certificate';

describe('tlsgate run --update-baseline / --baseline (spawned CLI, real handshakes)', function () {
  this.timeout(60_000);
  let dir: string;
  let base: string;
  const certs = () => ['--certs', join(dir, 'certs')];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tlsgate-gate-'));
    base = join(dir, 'baseline.json');
    const r = await tlsgate(['run', BEFORE, ...certs(), '--update-baseline', base]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('records a versioned, sorted baseline with one line per scenario', () => {
    const lines = readFileSync(base, 'utf8').split('\n');
    expect(lines[1]).to.equal('  "format": "tlsgate-baseline/1",');
    const scenarioLines = lines.filter((l) => l.startsWith('    "gate.yaml#'));
    expect(scenarioLines.map((l) => l.slice(4, l.indexOf('":')))).to.deep.equal([
      '"gate.yaml#expired server certificate', '"gate.yaml#protocol version', '"gate.yaml#valid chain',
    ]);
    expect(scenarioLines[0]).to.include('"category":"expired"').and.include('"outcome":"rejected"');
  });

  it('the same catalogue again gives no drift and exit 0', async () => {
    const r = await tlsgate(['run', BEFORE, ...certs(), '--baseline', base]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.include(`drift against ${base}: none`);
  });

  it('a refused connection now accepted is a security regression: exit 1, named in console, JSON, Markdown and the GitHub summary', async () => {
    const json = join(dir, 'report.json');
    const markdown = join(dir, 'drift.md');
    const summary = join(dir, 'step-summary.md');
    writeFileSync(summary, '');
    const r = await tlsgate(
      ['run', AFTER, ...certs(), '--baseline', base, '--reporter', 'console', '--reporter', `json:${json}`, '--reporter', `github:${join(dir, 'gh.txt')}`, '--drift-markdown', markdown],
      { env: { GITHUB_STEP_SUMMARY: summary } },
    );
    expect(r.code, r.stdout + r.stderr).to.equal(1);
    expect(r.stdout).to.match(/3 scenarios: 3 passed, 0 failed/);
    expect(r.stdout).to.match(new RegExp(`Security regressions \\(1\\): fails the gate\\n {4}${FLIPPED}: was rejected \\(expired, CERT_HAS_EXPIRED\\), now accepted`));
    expect(r.stdout).to.match(/Negotiation changed \(1\)\n {4}gate\.yaml#protocol version: protocol TLSv1\.2 -> TLSv1\.3/);
    const doc = JSON.parse(readFileSync(json, 'utf8'));
    const validate = new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(join(packageRoot(), 'schema', 'report.schema.json'), 'utf8')));
    expect(validate(doc), JSON.stringify(validate.errors)).to.equal(true);
    expect(doc.inventory.versions.node).to.equal(process.version);
    expect(doc.drift).to.include({ baseline: base, failsGate: true });
    expect(doc.drift.changes.map((c: { id: string; kind: string }) => `${c.kind} ${c.id}`)).to.deep.equal([`security-regression ${FLIPPED}`, 'negotiation-changed gate.yaml#protocol version']);
    expect(readFileSync(markdown, 'utf8')).to.include('### Security regressions (1) :x: fails the gate').and.include(`| ${FLIPPED} |`);
    expect(readFileSync(summary, 'utf8')).to.include('### tlsgate: 3 scenarios').and.include(`| ${FLIPPED} |`);
    expect(readFileSync(join(dir, 'gh.txt'), 'utf8')).to.match(/^::error title=tlsgate drift::drift against .*1 fails the gate/m);
  });

  it('--ignore security-regression lets it pass; --fail-on negotiation-changed fails on the protocol change', async () => {
    const ignored = await tlsgate(['run', AFTER, ...certs(), '--baseline', base, '--ignore', 'security-regression']);
    expect(ignored.code, ignored.stdout + ignored.stderr).to.equal(0);
    expect(ignored.stdout).to.not.include('Security regressions');
    const strict = await tlsgate(['run', AFTER, ...certs(), '--baseline', base, '--ignore', 'security-regression', '--fail-on', 'negotiation-changed']);
    expect(strict.code, strict.stdout + strict.stderr).to.equal(1);
    expect(strict.stdout).to.include('Negotiation changed (1): fails the gate');
  });

  it('bad input exits 2 with a message naming the thing and the fix, before anything runs, without a stack trace', async () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, 'not json');
    const cases: Array<[string[], RegExp]> = [
      [['--baseline', join(dir, 'nope.json')], /baseline .*nope\.json: cannot read it \(no such file\); record one first with `tlsgate run --update-baseline/],
      [['--baseline', broken], /baseline .*broken\.json: not a tlsgate baseline \(not JSON: .*\); give the file recorded by `tlsgate run --update-baseline FILE`$/m],
      [['--baseline', base, '--fail-on', 'everything'], /--fail-on everything: unknown drift class; use one of: security-regression, availability-regression/],
    ];
    for (const [flags, message] of cases) {
      const r = await tlsgate(['run', AFTER, ...certs(), ...flags]);
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr).to.match(message);
      expect(r.stderr).to.not.match(/\n\s+at /);
      expect(r.stdout).to.equal('');
    }
  });

  it('--update-baseline with a filter updates only the selected scenarios and keeps the rest', async () => {
    const partial = join(dir, 'partial.json');
    writeFileSync(partial, readFileSync(base));
    const r = await tlsgate(['run', AFTER, ...certs(), '--grep', 'expired', '--update-baseline', partial]);
    expect(r.code, r.stderr).to.equal(0);
    const text = readFileSync(partial, 'utf8');
    expect(text).to.match(/"gate\.yaml#expired server certificate": \{"connections":\[\{"alpn":false,"cipher":"TLS_AES_256_GCM_SHA384"/);
    expect(text).to.match(/"gate\.yaml#protocol version": \{"connections":\[\{"alpn":false,"cipher":"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"/);
  });
});
