/**
 * What `npm pack` ships: the product (bin launcher, compiled ca/ and harness/), its scenarios,
 * schemas and docs; not the test suite or the scripts (as large as the product), and no
 * script that runs when the tarball is installed (npm warns about those, and blocks them). A
 * fresh clone has no dist/ and no install script builds it, so the launcher builds it on the
 * first `npx tlsgate`: shown here on a copy of the sources.
 */
import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { ROOT } from './cli/spawn.js';

interface PackEntry { files: Array<{ path: string }> }

describe('packaging (npm pack --dry-run)', function () {
  this.timeout(120_000);
  let packed: string[];
  before(() => {
    // --ignore-scripts: prepack would rebuild dist/ under the running tests
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
    packed = (JSON.parse(r.stdout) as PackEntry[])[0]!.files.map((f) => f.path);
  });

  it('ships the product and its docs, not the tests, the scripts or source maps', () => {
    expect(packed.filter((p) => /^dist\/(test|scripts)\//.test(p) || p.endsWith('.map'))).to.deep.equal([]);
    expect(packed).to.include.members([
      'bin/tlsgate.js', 'dist/harness/cli/main.js', 'dist/harness/drivers/portable/worker/remote-worker.js', 'dist/ca/issue/factory.js',
      'harness/drivers/README.md', 'docs/robustness.md', 'docs/upgrade-workflow.md', 'docs/matrix-example.md',
      'schema/scenario.schema.json', 'schema/report.schema.json', 'scenarios/hostname/names.yaml', 'README.md', 'package.json',
    ]);
    expect(packed.filter((p) => p.endsWith('.ts')), 'no TypeScript sources').to.deep.equal([]);
  });

  it('every file the README links to is in the package', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\(([^)#:]+)\)/g)].map((m) => m[1]!).filter((l) => !l.startsWith('../'));
    expect(links).to.include('harness/drivers/README.md');
    expect(links.filter((l) => !packed.includes(l))).to.deep.equal([]);
  });

  it('runs nothing when installed: no install-time lifecycle script; the build runs at pack time', () => {
    const { scripts, bin } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string>; bin: Record<string, string> };
    expect(Object.keys(scripts).filter((s) => ['preinstall', 'install', 'postinstall', 'prepare'].includes(s))).to.deep.equal([]);
    expect(scripts.prepack).to.include('tsc -p tsconfig.build.json').and.include('node bin/bundle-yargs.js');
    expect(packed).to.include(bin.tlsgate);
    // a fresh clone has no dist/ after `npm ci`: the command must be the launcher that builds it
    expect(bin.tlsgate).to.equal('bin/tlsgate.js');
  });

  it("the README's yaml-language-server line finds the schema from a file in ./scenarios/", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const schema = /# yaml-language-server: \$schema=(\S+)/.exec(readme)![1]!;
    const project = '/project';
    const resolved = posix.resolve(project, 'scenarios', schema);
    expect(resolved).to.equal(posix.join(project, 'node_modules', 'tlsgate', 'schema', 'scenario.schema.json'));
    expect(packed).to.include('schema/scenario.schema.json');
  });

  it('a fresh checkout (no dist/) builds the product on the first run of the bin, once, and again after a pull brings newer sources', () => {
    const checkout = mkdtempSync(join(tmpdir(), 'tlsgate-clone-'));
    try {
      for (const part of ['bin', 'ca', 'harness', 'scenarios', 'schema', 'package.json', 'tsconfig.json', 'tsconfig.build.json']) {
        cpSync(join(ROOT, part), join(checkout, part), { recursive: true });
      }
      symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'), 'dir');
      const bin = join(checkout, 'bin', 'tlsgate.js');
      const first = spawnSync(process.execPath, [bin, 'list', 'scenarios/hostname/names.yaml'], { cwd: checkout, encoding: 'utf8' });
      expect(first.status, first.stderr).to.equal(0);
      expect(first.stderr).to.include('building dist/');
      expect(first.stdout).to.include('names.yaml#exact DNS SAN');
      expect(existsSync(join(checkout, 'dist', 'test')), 'the product only').to.equal(false);
      const yargsVersion = (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'yargs', 'package.json'), 'utf8')) as { version: string }).version;
      expect(existsSync(join(checkout, 'dist', 'vendor', `yargs-lean-${yargsVersion}.js`)), 'yargs in one module (bin/bundle-yargs.js)').to.equal(true);
      const second = spawnSync(process.execPath, [bin, 'list', 'scenarios/hostname/names.yaml'], { cwd: checkout, encoding: 'utf8' });
      expect(second.status, second.stderr).to.equal(0);
      expect(second.stderr).to.not.include('building');

      // a pull: HEAD moves to a newer source, and the next run builds it before it runs
      const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.test', ...args], { cwd: checkout });
      git('init', '-q');
      git('add', 'ca', 'harness');
      git('commit', '-q', '-m', 'as cloned');
      const cloned = spawnSync(process.execPath, [bin, '--version'], { cwd: checkout, encoding: 'utf8' });
      expect(cloned.stderr, 'HEAD moved, but the build is newer than every source').to.not.include('building');
      appendFileSync(join(checkout, 'harness', 'cli', 'main.ts'), '// pulled from upstream\n');
      git('commit', '-q', '-am', 'pulled');
      const pulled = spawnSync(process.execPath, [bin, 'list', 'scenarios/hostname/names.yaml'], { cwd: checkout, encoding: 'utf8' });
      expect(pulled.status, pulled.stderr).to.equal(0);
      expect(pulled.stderr).to.include('rebuilding dist/');
      expect(readFileSync(join(checkout, 'dist', 'harness', 'cli', 'main.js'), 'utf8')).to.include('// pulled from upstream');
      const after = spawnSync(process.execPath, [bin, '--version'], { cwd: checkout, encoding: 'utf8' });
      expect(after.stderr, 'once rebuilt, not again').to.not.include('building');
    } finally {
      rmSync(checkout, { recursive: true, force: true });
    }
  });
});
