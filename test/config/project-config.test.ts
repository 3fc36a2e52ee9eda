/**
 * The project config, as a team uses it: a temp project folder with scenario files and a config
 * file, the CLI spawned there, real handshakes. Accepted failures are reported (console, JSON,
 * JUnit, TAP) and do not fail the run; expired ones do; a bad config is bad input at file:line.
 */
import { expect } from 'chai';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, tlsgate, type Finished } from '../cli/spawn.js';

const FIXTURES = join(ROOT, 'test', 'cli', 'fixtures');
/** `flipped.yaml#accepted but expected refused` always fails: the handshake succeeds */
const FAILING = 'flipped.yaml#accepted but expected refused';

describe('project config (tlsgate.config.*, package.json#tlsgate; spawned CLI, real handshakes)', function () {
  this.timeout(60_000);
  let root: string;
  let n = 0;
  before(() => { root = mkdtempSync(join(tmpdir(), 'tlsgate-config-')); });
  after(() => rmSync(root, { recursive: true, force: true }));

  /** a fresh project: sc/ holds flipped.yaml (1 failing) and pair.yaml (2 passing, 1 skipped) */
  function project(files: Record<string, string>): string {
    const dir = join(root, `p${++n}`);
    mkdirSync(join(dir, 'sc'), { recursive: true });
    copyFileSync(join(FIXTURES, 'flipped', 'flipped.yaml'), join(dir, 'sc', 'flipped.yaml'));
    copyFileSync(join(FIXTURES, 'good', 'pair.yaml'), join(dir, 'sc', 'pair.yaml'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  }
  const inProject = (dir: string, args: string[]): Promise<Finished> =>
    tlsgate(args, { cwd: dir, env: { TLSGATE_CERTS: join(root, 'certs') } });
  const listed = (r: Finished): string[] => r.stdout.trimEnd().split('\n').filter(Boolean).map((l) => l.split(/\s{2,}/)[0]!);

  it('is found as tlsgate.config.json, .yaml, .yml or the tlsgate key of package.json, and --verbose says which', async () => {
    const include = { paths: ['sc'], include: [{ tag: 'smoke' }] };
    const places: Record<string, Record<string, string>> = {
      'tlsgate.config.json': { 'tlsgate.config.json': JSON.stringify(include) },
      'tlsgate.config.yaml': { 'tlsgate.config.yaml': 'paths: [sc]\ninclude:\n  - tag: smoke\n' },
      'tlsgate.config.yml': { 'tlsgate.config.yml': 'paths: [sc]\ninclude:\n  - tag: smoke\n' },
      'package.json ("tlsgate" key)': { 'package.json': JSON.stringify({ name: 'team-app', tlsgate: include }, null, 2) },
    };
    for (const [source, files] of Object.entries(places)) {
      const r = await inProject(project(files), ['list', '--verbose']);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stderr).to.include(`tlsgate: project config: ${source}`);
      expect(listed(r), source).to.deep.equal(['pair.yaml#accepted chain']);
    }
  });

  it('the first file found wins (tlsgate.config.json before .yaml before package.json)', async () => {
    const dir = project({
      'tlsgate.config.json': JSON.stringify({ paths: ['sc'], include: ['flipped.yaml#*'] }),
      'tlsgate.config.yaml': 'paths: [sc]\ninclude: ["pair.yaml#*"]\n',
      'package.json': JSON.stringify({ tlsgate: { paths: ['nowhere'] } }),
    });
    const r = await inProject(dir, ['list', '--verbose']);
    expect(r.stderr).to.include('tlsgate: project config: tlsgate.config.json');
    expect(listed(r)).to.deep.equal([FAILING]);
    const inventory = await inProject(dir, ['inventory']);
    expect(inventory.code, inventory.stderr).to.equal(0);
    expect(inventory.stdout).to.include('project config: tlsgate.config.json (0 acceptances)');
  });

  it('include and exclude select by id glob and by tag; without a config every scenario is listed', async () => {
    const none = await inProject(project({}), ['list', 'sc', '--verbose']);
    expect(none.stderr).to.match(/no project config/);
    expect(listed(none)).to.have.length(4);
    const r = await inProject(project({ 'tlsgate.config.yaml': 'paths: [sc]\ninclude: ["pair.yaml#*", "flipped.yaml#*"]\nexclude:\n  - tag: smoke\n  - "*#skipped*"\n' }), ['list']);
    expect(listed(r)).to.deep.equal([FAILING, 'pair.yaml#wrong hostname']);
  });

  it('a failing scenario that is accepted: exit 0, and ACCEPTED with the reason in the console, JSON, JUnit and TAP', async () => {
    const dir = project({
      'tlsgate.config.yaml': [
        'paths: [sc]',
        'reporters: [console, "json:out/report.json", "junit:out/report.xml", "tap:out/report.tap"]',
        'accept:',
        `  - scenario: "flipped.yaml#*"`,
        '    reason: accepted on purpose (ticket SEC-1)',
        '    expires: 2999-01-01',
        '  - scenario: "no-such-file.yaml#*"',
        '    reason: left behind',
        '    expires: { node: ">=0" }',
        '',
      ].join('\n'),
    });
    const r = await inProject(dir, ['run']);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.match(/ACCEPTED accepted but expected refused/).and.include('accepted in tlsgate.config.yaml:4 (expires 2999-01-01): accepted on purpose (ticket SEC-1)');
    expect(r.stdout).to.match(/4 scenarios: 2 passed, 0 failed, 1 skipped, 1 accepted/);
    expect(r.stderr).to.include('tlsgate: warning: tlsgate.config.yaml:7: accept "no-such-file.yaml#*" matches no scenario');
    const json = JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8'));
    expect(json.summary).to.include({ failed: 0, accepted: 1, passed: 2 });
    const accepted = json.results.find((x: { id: string }) => x.id === FAILING);
    expect(accepted.status).to.equal('accepted');
    expect(accepted.mismatches, 'the failure is kept, not dropped').to.have.length.above(0);
    expect(accepted.acceptance).to.deep.equal({ scenario: 'flipped.yaml#*', reason: 'accepted on purpose (ticket SEC-1)', expires: '2999-01-01', source: 'tlsgate.config.yaml:4' });
    const xml = readFileSync(join(dir, 'out', 'report.xml'), 'utf8');
    expect(xml).to.match(/<testsuites name="tlsgate" tests="4" failures="0" errors="0" skipped="2"/);
    expect(xml).to.include('<skipped message="ACCEPTED: accepted on purpose (ticket SEC-1) (tlsgate.config.yaml:4, expires 2999-01-01)"/>');
    expect(readFileSync(join(dir, 'out', 'report.tap'), 'utf8')).to.match(/^not ok 1 - flipped\.yaml: accepted but expected refused # TODO accepted: accepted on purpose/m);
  });

  it('an expired acceptance (date passed, or this Node outside the range) fails the run and says so', async () => {
    const accept = (expires: string) => `paths: [sc]\nreporters: ["json:out/report.json", console]\naccept:\n  - { scenario: "${FAILING}", reason: was fine once, expires: ${expires} }\n`;
    const byDate = project({ 'tlsgate.config.yaml': accept('2020-01-01') });
    const dated = await inProject(byDate, ['run']);
    expect(dated.code, dated.stdout + dated.stderr).to.equal(1);
    expect(dated.stdout).to.match(/FAIL {2}accepted but expected refused/).and.include('acceptance expired (tlsgate.config.yaml:4, 2020-01-01): it expired on 2020-01-01');
    expect(dated.stdout).to.match(/1 failed/);
    const json = JSON.parse(readFileSync(join(byDate, 'out', 'report.json'), 'utf8'));
    const result = json.results.find((x: { id: string }) => x.id === FAILING);
    expect(result.status).to.equal('failed');
    expect(result.acceptance.expired).to.equal('it expired on 2020-01-01');

    const byNode = await inProject(project({ 'tlsgate.config.yaml': accept(`{ node: "<${process.versions.node.split('.')[0]}" }`) }), ['run']);
    expect(byNode.code, byNode.stdout + byNode.stderr).to.equal(1);
    expect(byNode.stdout).to.include(`the running Node ${process.versions.node} is outside its range <${process.versions.node.split('.')[0]}`);

    // the same entry with a range that holds: accepted (the flipped expectation of the two above)
    const holding = await inProject(project({ 'tlsgate.config.yaml': accept(`{ node: "${process.versions.node.split('.')[0]}.x" }`) }), ['run']);
    expect(holding.code, holding.stdout + holding.stderr).to.equal(0);
  });

  it('a bad config exits 2, naming file:line and the fix, and runs nothing', async () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ 'tlsgate.config.yaml': 'paths: [sc]\nacept: []\n' }, /^tlsgate\.config\.yaml:2:1 {2}acept {2}unknown key 'acept' {2}\(did you mean accept\?/m],
      [{ 'tlsgate.config.yaml': 'paths: [sc]\naccept:\n  - scenario: x\n    reason: y\n    expires: 2026-02-30\n' }, /^tlsgate\.config\.yaml:5:14 {2}accept\[0\]\.expires {2}'2026-02-30' is not a date {2}\(write a real day as YYYY-MM-DD/m],
      [{ 'tlsgate.config.json': '{\n  "paths": ["sc"],\n  "accept": [{ "scenario": "x", "reason": "y", "expires": { "node": "not a range" } }]\n}\n' }, /^tlsgate\.config\.json:3:\d+ {2}accept\[0\]\.expires\.node {2}'not a range' is not a semver range/m],
      [{ 'package.json': '{\n  "name": "app",\n  "tlsgate": {\n    "paths": ["missing-folder"]\n  }\n}\n' }, /^package\.json:4:\d+ {2}tlsgate\.paths\[0\] {2}no such file or folder: missing-folder/m],
      [{ 'tlsgate.config.yml': 'paths: [sc\n' }, /^tlsgate\.config\.yml:\d+:\d+ .*YAML/m],
    ];
    for (const [files, expected] of cases) {
      const dir = project(files);
      const r = await inProject(dir, ['run', '--reporter', 'json:out/report.json']);
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr).to.match(expected).and.match(/in the project config; nothing was run/);
      expect(existsSync(join(dir, 'out')), 'nothing written').to.equal(false);
    }
  });

  it('flags override the config: paths, --reporter and --baseline', async () => {
    const dir = project({ 'tlsgate.config.yaml': 'paths: [sc]\nreporters: ["json:out/report.json"]\nbaseline: no-such-baseline.json\n' });
    mkdirSync(join(dir, 'other'));
    copyFileSync(join(FIXTURES, 'good', 'pair.yaml'), join(dir, 'other', 'pair.yaml'));
    const recorded = join(dir, 'recorded.json');
    const record = await inProject(dir, ['run', 'other', '--reporter', 'tap', '--update-baseline', recorded]);
    expect(record.code, record.stdout + record.stderr).to.equal(0);
    expect(record.stdout, 'TAP on stdout, of other/ only').to.match(/^TAP version 14\n1\.\.3\n/);
    expect(record.stdout).not.to.include('flipped');
    expect(existsSync(join(dir, 'out')), 'the config\'s json reporter was replaced by --reporter tap').to.equal(false);
    const compared = await inProject(dir, ['run', 'other', '--reporter', 'console', '--baseline', recorded]);
    expect(compared.code, compared.stdout + compared.stderr).to.equal(0);
    expect(compared.stdout).to.match(/drift/i);
    // and without flags the config's values apply: its missing baseline is an error
    const configured = await inProject(dir, ['run']);
    expect(configured.code).to.equal(2);
    expect(configured.stderr).to.include('no-such-baseline.json');
  });
});
