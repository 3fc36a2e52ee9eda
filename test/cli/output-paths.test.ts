/**
 * Every path a command writes is checked before anything runs: a folder where a file goes, a
 * file where a folder goes, a folder that takes no files, two outputs on one path, a scenario
 * file given as the baseline to record. Each is exit 2 with one line on stderr naming the flag
 * and the path; no scenario ran (stdout is empty) and nothing was written (the folder is as it
 * was, byte for byte).
 */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, tlsgate } from './spawn.js';

const SCENARIOS = join(ROOT, 'test/baseline/fixtures/before/gate.yaml');

describe('output paths: every bad one is exit 2 before anything runs (spawned CLI)', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tlsgate-outputs-'));
    mkdirSync(join(dir, 'reports'));
    writeFileSync(join(dir, 'afile'), 'not a folder\n');
    writeFileSync(join(dir, 'acme.yaml'), readFileSync(SCENARIOS));
    writeFileSync(join(dir, 'package.json'), '{"name":"x"}\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = (...flags: string[]) => ['run', SCENARIOS, '--certs', join(dir, 'certs'), ...flags];
  const cases: Array<[string, () => string[], RegExp]> = [
    ['a report file that is a folder', () => run('--reporter', 'junit:reports'), /^tlsgate: --reporter junit:reports: reports is a folder; give a file path, e\.g\. reports\/tlsgate\.xml$/],
    ['a report file where no file can be made', () => run('--reporter', 'junit:/proc/x.xml'), /^tlsgate: --reporter junit:\/proc\/x\.xml: cannot write \/proc\/x\.xml: \/proc takes no new files/],
    ['a report file under a file', () => run('--reporter', 'json:afile/r.json'), /^tlsgate: --reporter json:afile\/r\.json: cannot write afile\/r\.json: .*afile is a file, not a folder$/],
    ['two reports on one file, spelled two ways', () => run('--reporter', 'json:r.json', '--reporter', 'junit:./r.json'), /^tlsgate: --reporter json:r\.json and --reporter junit:\.\/r\.json both write \.\/r\.json; give each its own path$/],
    ['a report and the baseline on one file', () => run('--reporter', 'json:b.json', '--update-baseline', 'b.json'), /both write b\.json/],
    ['--update-baseline on a folder', () => run('--update-baseline', 'reports'), /^tlsgate: --update-baseline reports: reports is a folder; give a file path, e\.g\. reports\/tlsgate\.baseline\.json$/],
    ['--drift-markdown on a folder', () => run('--drift-markdown', 'reports'), /^tlsgate: --drift-markdown reports: reports is a folder/],
    ['--certs under a file', () => ['run', SCENARIOS, '--certs', 'afile/certs'], /^tlsgate: --certs: cannot write afile\/certs: .*afile is a file, not a folder$/],
    ['--update-baseline on a scenario file', () => run('--update-baseline', 'acme.yaml'), /^tlsgate: --update-baseline acme\.yaml: the file exists and is not a tlsgate baseline \(not JSON: .*\); tlsgate will not overwrite it: choose another file/],
    ['--update-baseline on JSON that is not a baseline', () => run('--update-baseline', 'package.json'), /--update-baseline package\.json: the file exists and is not a tlsgate baseline \(its "format" is undefined/],
    ['serve --out on an existing file', () => ['serve', '--out', 'afile', '--certs', join(dir, 'certs')], /^tlsgate: --out: afile is a file, not a folder; give a folder path$/],
    ['serve --out given twice', () => ['serve', '--out', 'a', '--out', 'b', '--certs', join(dir, 'certs')], /^tlsgate: --out given 2 times \(a, b\); give it once$/],
    ['matrix --json on a folder', () => ['matrix', '--node', '20', SCENARIOS, '--certs', join(dir, 'certs'), '--json', 'reports'], /^tlsgate: --json reports: reports is a folder/],
    ['matrix --drift-markdown under a file', () => ['matrix', '--node', '20', SCENARIOS, '--certs', join(dir, 'certs'), '--drift-markdown', 'afile/m.md'], /^tlsgate: --drift-markdown afile\/m\.md: cannot write/],
  ];
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const before = snapshot(dir);
      const r = await tlsgate(args(), { cwd: dir });
      expect(r.code, r.stdout + r.stderr).to.equal(2);
      expect(r.stderr.trimEnd().split('\n'), r.stderr).to.have.length(1);
      expect(r.stderr.trimEnd()).to.match(message);
      expect(r.stdout, 'nothing ran').to.equal('');
      expect(snapshot(dir), 'nothing was written').to.deep.equal(before);
    });
  }

  it('a tlsgate baseline is overwritten, a run without bad paths writes its reports', async () => {
    writeFileSync(join(dir, 'old.json'), JSON.stringify({ format: 'tlsgate-baseline/0', scenarios: {} }));
    const r = await tlsgate(run('--update-baseline', 'old.json', '--reporter', 'junit:reports/new/t.xml'), { cwd: dir });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(readFileSync(join(dir, 'old.json'), 'utf8')).to.include('"format": "tlsgate-baseline/1"');
    expect(readFileSync(join(dir, 'reports/new/t.xml'), 'utf8')).to.include('<testsuites');
  });
});

/** every entry under `root` with its size and content, so any write shows */
function snapshot(root: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const name of readdirSync(root, { recursive: true }) as string[]) {
    const path = join(root, name);
    entries[name] = statSync(path).isDirectory() ? 'folder' : readFileSync(path, 'utf8');
  }
  return entries;
}
