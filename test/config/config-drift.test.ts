/**
 * The project config beyond `run`: drift against a baseline marks an accepted scenario as
 * accepted (shown, not fatal), and `tlsgate matrix` reads the config (paths, include/exclude,
 * accept judged on each runtime's Node). Spawned CLI in temp projects, real handshakes; the
 * matrix runs on this machine's own Node binary (no download).
 */
import { expect } from 'chai';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, tlsgate, type Finished } from '../cli/spawn.js';

const FIXTURES = join(ROOT, 'test', 'cli', 'fixtures');
const FAILING = 'flipped.yaml#accepted but expected refused';
const ACCEPT = ['accept:', `  - scenario: "${FAILING}"`, '    reason: ticket SEC-1', '    expires: 2999-01-01'].join('\n');

describe('project config in drift and in tlsgate matrix (spawned CLI, real handshakes)', function () {
  this.timeout(120_000);
  let root: string;
  let n = 0;
  before(() => { root = mkdtempSync(join(tmpdir(), 'tlsgate-config-drift-')); });
  after(() => rmSync(root, { recursive: true, force: true }));

  function project(config: string): string {
    const dir = join(root, `p${++n}`);
    mkdirSync(join(dir, 'sc'), { recursive: true });
    copyFileSync(join(FIXTURES, 'flipped', 'flipped.yaml'), join(dir, 'sc', 'flipped.yaml'));
    copyFileSync(join(FIXTURES, 'good', 'pair.yaml'), join(dir, 'sc', 'pair.yaml'));
    if (config) writeFileSync(join(dir, 'tlsgate.config.yaml'), config);
    return dir;
  }
  const inProject = (dir: string, args: string[]): Promise<Finished> => tlsgate(args, { cwd: dir, env: { TLSGATE_CERTS: join(root, 'certs') } });

  /** a baseline in which the failing scenario was refused and passed: this run is a security regression */
  async function baselineWhereItWasRefused(dir: string): Promise<string> {
    const file = join(dir, 'baseline.json');
    const recorded = await inProject(dir, ['run', '--update-baseline', file, '--reporter', 'tap']);
    expect(recorded.code, recorded.stderr).to.equal(0);
    const refused = { connections: [{ category: 'untrusted-root', code: 'SELF_SIGNED_CERT_IN_CHAIN', outcome: 'rejected', revocationChecked: [], side: 'client' }], verdict: 'passed' };
    const lines = readFileSync(file, 'utf8').split('\n').map((l) => (l.includes(JSON.stringify(FAILING)) ? `    ${JSON.stringify(FAILING)}: ${JSON.stringify(refused)},` : l));
    writeFileSync(file, lines.join('\n'));
    return file;
  }

  it('--baseline: drift of an accepted scenario is shown as ACCEPTED with the reason and does not fail the gate; without the acceptance it does', async () => {
    const accepted = project(`paths: [sc]\n${ACCEPT}\n`);
    const file = await baselineWhereItWasRefused(accepted);
    const r = await inProject(accepted, ['run', '--baseline', file, '--reporter', 'console', '--reporter', 'json:out/report.json', '--drift-markdown', 'out/drift.md']);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.match(/Security regressions \(1\) \(accepted by the project config\)/);
    expect(r.stdout).to.include(`${FAILING} [ACCEPTED: accepted in tlsgate.config.yaml:3 (expires 2999-01-01): ticket SEC-1]: was rejected`);
    expect(r.stdout).to.match(/New or changed failures \(1\) \(accepted by the project config\)/);
    const json = JSON.parse(readFileSync(join(accepted, 'out', 'report.json'), 'utf8'));
    expect(json.drift.failsGate).to.equal(false);
    expect(json.drift.changes[0]).to.include({ id: FAILING, kind: 'security-regression' }).and.have.property('accepted').that.match(/ticket SEC-1/);
    expect(readFileSync(join(accepted, 'out', 'drift.md'), 'utf8')).to.include('[ACCEPTED: accepted in tlsgate.config.yaml:3');

    // flipped: the same project and baseline without the acceptance fail the gate
    const plain = project('paths: [sc]\n');
    copyFileSync(file, join(plain, 'baseline.json'));
    const unaccepted = await inProject(plain, ['run', '--baseline', 'baseline.json']);
    expect(unaccepted.code, unaccepted.stdout).to.equal(1);
    expect(unaccepted.stdout).to.match(/Security regressions \(1\): fails the gate/).and.not.include('ACCEPTED');
  });

  it('tlsgate matrix reads the config: its paths and exclude select, its acceptance holds on each runtime (exit 0); an expired one fails', async () => {
    const config = (expires: string) => `paths: [sc]\nexclude: ["pair.yaml#wrong hostname"]\naccept:\n  - scenario: "${FAILING}"\n    reason: ticket SEC-1\n    expires: ${expires}\n`;
    const dir = project(config('{ node: ">=18" }'));
    const r = await inProject(dir, ['matrix', '--node', process.execPath, '--json', 'out/matrix.json']);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stderr).to.match(/matrix of 3 scenarios/);
    expect(r.stdout).to.match(/flipped\.yaml#accepted but expected refused\s+ACCEPTED accepted/);
    const doc = JSON.parse(readFileSync(join(dir, 'out', 'matrix.json'), 'utf8'));
    expect(doc.runtimes[0].summary).to.include({ accepted: 1, failed: 0 });
    expect(Object.keys(doc.runtimes[0].baseline.scenarios)).to.not.include('pair.yaml#wrong hostname');

    // an acceptance whose Node range excludes the runtime: the failure counts
    const expired = await inProject(project(config(`{ node: "<${process.versions.node.split('.')[0]}" }`)), ['matrix', '--node', process.execPath]);
    expect(expired.code, expired.stdout + expired.stderr).to.equal(1);
    expect(expired.stdout).to.match(/flipped\.yaml#accepted but expected refused\s+FAIL accepted/);
  });
});
