/**
 * Gates split across CI jobs (spawned CLI, real handshakes): `--shard i/n --baseline` compares
 * only the shard's scenarios (shard 1 also reports the baseline's scenarios gone from the
 * catalogue, so the shards add up), and `tlsgate merge-reports` joins the shards' JSON reports
 * into what an unsharded run reports: results, summary, drift, JUnit (timings aside).
 */
import { expect } from 'chai';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBaseline, writeBaseline } from '../../harness/baseline/baseline-file.js';
import { tlsgate } from '../cli/spawn.js';

const BEFORE = 'test/baseline/fixtures/before';
const AFTER = 'test/baseline/fixtures/after';
const GONE = 'gate.yaml#a scenario since deleted';

interface Report {
  summary: Record<string, unknown>;
  results: Array<Record<string, unknown> & { observations: Array<Record<string, unknown>> }>;
  drift?: { changes: Array<{ id: string; kind: string }> };
  environment: Record<string, unknown>;
}

/** what must agree between runs: everything but timings and the start time */
function behaviour(file: string): unknown {
  const r = JSON.parse(readFileSync(file, 'utf8')) as Report;
  const untimed = (o: Record<string, unknown>) => ({ ...o, durationMs: 0, timings: undefined });
  return {
    summary: untimed(r.summary),
    results: r.results.map((x) => ({ ...untimed(x), observation: undefined, observations: x.observations.map(untimed) })),
    drift: r.drift,
    environment: r.environment,
  };
}

const untimedXml = (file: string): string => readFileSync(file, 'utf8').replace(/ (time|timestamp)="[^"]*"/g, '');

describe('shards with --baseline, and tlsgate merge-reports (spawned CLI, real handshakes)', function () {
  this.timeout(120_000);
  let dir: string;
  let base: string;
  let shards: string;
  const certs = () => ['--certs', join(dir, 'certs')];
  const changes = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as Report).drift!.changes.map((c) => `${c.kind} ${c.id}`);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tlsgate-shards-'));
    base = join(dir, 'baseline.json');
    shards = join(dir, 'shards');
    mkdirSync(shards);
    const r = await tlsgate(['run', BEFORE, ...certs(), '--update-baseline', base]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    // a scenario the baseline has and the catalogue no longer does
    const b = await readBaseline(base);
    await writeBaseline(base, { ...b, scenarios: { ...b.scenarios, [GONE]: b.scenarios['gate.yaml#valid chain']! } });
    const runs = await Promise.all([
      tlsgate(['run', AFTER, ...certs(), '--baseline', base, '--reporter', `json:${join(dir, 'full.json')}`, '--reporter', `junit:${join(dir, 'full.xml')}`]),
      tlsgate(['run', AFTER, ...certs(), '--baseline', base, '--shard', '1/2', '--reporter', `json:${join(shards, '1.json')}`]),
      tlsgate(['run', AFTER, ...certs(), '--baseline', base, '--shard', '2/2', '--reporter', `json:${join(shards, '2.json')}`]),
    ]);
    expect(runs.map((x) => x.code), runs.map((x) => x.stderr).join('\n')).to.deep.equal([1, 1, 0]);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('each shard compares only its own scenarios; shard 1 also reports what left the catalogue', () => {
    expect(changes(join(dir, 'full.json'))).to.deep.equal([
      `removed ${GONE}`, 'security-regression gate.yaml#expired server certificate', 'negotiation-changed gate.yaml#protocol version',
    ]);
    expect(changes(join(shards, '1.json'))).to.deep.equal([
      `removed ${GONE}`, 'security-regression gate.yaml#expired server certificate', 'negotiation-changed gate.yaml#protocol version',
    ]);
    // shard 2 ran only "valid chain": the other shard's scenarios are not "removed"
    expect(changes(join(shards, '2.json'))).to.deep.equal([]);
  });

  it('merge-reports of the two shards equals the unsharded run: results, summary, drift, JUnit; exit 1 as the gate fails', async () => {
    const merged = join(dir, 'merged.json');
    const xml = join(dir, 'merged.xml');
    const markdown = join(dir, 'drift.md');
    const r = await tlsgate(['merge-reports', shards, '--reporter', 'console', '--reporter', `json:${merged}`, '--reporter', `junit:${xml}`, '--drift-markdown', markdown]);
    expect(r.code, r.stdout + r.stderr).to.equal(1);
    expect(r.stdout).to.include('tlsgate: 3 scenarios merged from 2 reports').and.match(/3 scenarios: 3 passed, 0 failed/);
    expect(r.stdout).to.include('Security regressions (1): fails the gate');
    expect(behaviour(merged)).to.deep.equal(behaviour(join(dir, 'full.json')));
    expect(untimedXml(xml)).to.equal(untimedXml(join(dir, 'full.xml')));
    expect(readFileSync(markdown, 'utf8')).to.include('### Removed (observed before, not now) (1)').and.include(`| ${GONE} |`);
  });

  it('refuses (exit 2, naming the file) a scenario in two reports, a file that is not a report, and another stack', async () => {
    const cases: Array<[string, (folder: string) => void, RegExp]> = [
      ['duplicate', (f) => copyFileSync(join(shards, '1.json'), join(f, '3.json')), /scenario "gate\.yaml#expired server certificate" is in both .*1\.json and .*3\.json/],
      ['foreign', (f) => copyFileSync(base, join(f, 'baseline.json')), /baseline\.json: not a tlsgate JSON report \(.*\); give the files written by `tlsgate run --reporter json:FILE`/],
      ['other-node', (f) => {
        const other = JSON.parse(readFileSync(join(shards, '2.json'), 'utf8')) as Report;
        other.environment.node = '24.11.1';
        writeFileSync(join(f, '2.json'), JSON.stringify(other));
      }, /2\.json comes from another tlsgate or stack than .*1\.json \(.*node "24\.11\.1"/],
    ];
    for (const [name, arrange, message] of cases) {
      const folder = join(dir, name);
      mkdirSync(folder);
      copyFileSync(join(shards, '1.json'), join(folder, '1.json'));
      if (name !== 'other-node') copyFileSync(join(shards, '2.json'), join(folder, '2.json'));
      arrange(folder);
      const out = join(dir, `${name}.xml`);
      const r = await tlsgate(['merge-reports', folder, '--reporter', `junit:${out}`]);
      expect(r.code, `${name}: ${r.stdout}${r.stderr}`).to.equal(2);
      expect(r.stderr, name).to.match(message);
      expect(r.stdout, name).to.equal('');
    }
  });
});
