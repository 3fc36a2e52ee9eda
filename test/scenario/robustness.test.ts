/**
 * Hostile input never crashes or hangs the loader: each case ends in problems that name the
 * file; a hang fails through mocha's timeout (no wall-clock budget here: time is measured in
 * scripts/bench.ts). The inputs are generated into a temp folder (some are megabytes).
 */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenarios } from '../../harness/scenario/load.js';
import { formatProblem, type ScenarioProblem } from '../../harness/scenario/problems.js';

const MB = 1024 * 1024;

describe('scenario loader: hostile input ends in problems', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'tlsgate-hostile-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function problemsOf(name: string, content: string | Buffer): Promise<ScenarioProblem[]> {
    const file = join(dir, name);
    writeFileSync(file, content);
    const { scenarios, problems } = await loadScenarios([file]);
    expect(scenarios).to.deep.equal([]);
    expect(problems.length, name).to.be.at.least(1);
    for (const p of problems) expect(p.file).to.equal(file);
    return problems;
  }

  it('a file over 5 MB: one problem giving its size, without parsing it', async () => {
    const problems = await problemsOf('big.yaml', `a: ${'x'.repeat(Math.round(12.3 * MB))}\n`);
    expect(problems.map(formatProblem)).to.deep.equal([`${join(dir, 'big.yaml')}:1:1  -  file is 12.3 MB; scenario files are limited to 5 MB  (split it into several files in one folder)`]);
  });

  it('binary junk (a NUL byte) and text that is not UTF-8', async () => {
    const nul = await problemsOf('nul.yaml', Buffer.from('pki:\n  certs: []\n\0\x01\x02garbage'));
    expect(formatProblem(nul[0]!)).to.equal(`${join(dir, 'nul.yaml')}:3:1  -  file is binary (a NUL byte at byte 17), not YAML text  (scenario files are UTF-8 text)`);
    const latin1 = await problemsOf('latin1.yaml', Buffer.from('scenarios:\n  - name: caf\xe9\n', 'latin1'));
    expect(formatProblem(latin1[0]!)).to.equal(`${join(dir, 'latin1.yaml')}:2:14  -  file is not valid UTF-8 text  (save it as UTF-8)`);
  });

  it('random bytes', async () => {
    const bytes = Buffer.alloc(200_000);
    let seed = 1;
    for (let i = 0; i < bytes.length; i++) bytes[i] = (seed = (seed * 1103515245 + 12345) % 2 ** 31) >>> 16 & 0xff;
    await problemsOf('random.yaml', bytes);
  });

  it('an empty file, a scalar, and more than one YAML document', async () => {
    expect((await problemsOf('empty.yaml', ''))[0]!.message).to.equal('file is empty');
    expect((await problemsOf('scalar.yaml', 'hello\n'))[0]!.message).to.equal('the top level must be a mapping, not a single value');
    expect((await problemsOf('two.yaml', 'scenarios: []\n---\nb: 1\n'))[0]).to.include({ line: 2, column: 1, message: 'file holds more than one YAML document' });
  });

  it('deep nesting of every kind stops at the limit, before the recursive composer runs', async () => {
    const deep = [
      ['flow.yaml', `scenarios: ${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}\n`],
      ['dashes.yaml', `${'- '.repeat(999_000)}x\n`],
      ['indent.yaml', Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i)}k:`).join('\n') + ' x\n'],
      ['mixed.yaml', Array.from({ length: 1500 }, (_, i) => `${' '.repeat(i)}k:\n${' '.repeat(i)}- `).join('') + 'x\n'],
    ] as const;
    for (const [name, content] of deep) {
      const problems = await problemsOf(name, content);
      expect(problems.map((p) => p.message), name).to.deep.equal(['collections nest more than 32 levels deep']);
    }
  });

  it('more YAML tokens than the budget (what would take gigabytes to parse)', async () => {
    const keys = Array.from({ length: 480_000 }, (_, i) => `k${i}: 1\n`).join('');
    const problems = await problemsOf('keys.yaml', keys);
    expect(problems[0]!.message).to.equal('file has more than 2000000 YAML tokens (keys, values, punctuation)');
  });

  it('a billion laughs, and an alias to an anchor that does not exist', async () => {
    const levels = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) levels.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    expect((await problemsOf('laughs.yaml', levels.join('\n') + '\n'))[0]!.message).to.equal('aliases expand to too many nodes (more than 100)');
    expect((await problemsOf('unresolved.yaml', 'scenarios: *nowhere\n'))[0]).to.include({ line: 1, column: 12 });
  });

  it('tens of thousands of bad items: the first 50 problems and a count of the rest', async () => {
    const items = Array.from({ length: 60_000 }, (_, i) => `{name: s${i}, sever: 1}`).join(',');
    const problems = await problemsOf('wide.yaml', `scenarios: [${items}]\n`);
    expect(problems).to.have.length(51);
    expect(problems[50]!.message).to.match(/^\.\.\. and \d+ more problems in this file$/);
  });

  it('keys and values with control characters still make one line per problem', async () => {
    const problems = await problemsOf('controls.yaml', 'scenarios:\n  - name: "a\\nb"\n    "bad\\nkey\\u2028": 1\n    expect: { outcome: accept }\n');
    for (const line of problems.map(formatProblem)) expect(line).to.not.match(/[\n\r\u2028]/);
    expect(problems.map((p) => p.path)).to.include('scenarios[0]["bad\\nkey\\u2028"]');
  });

  it('a folder holding a pipe and a symlink loop: neither blocks nor loops', async () => {
    const folder = join(dir, 'odd');
    mkdirSync(join(folder, 'sub'), { recursive: true });
    writeFileSync(join(folder, 'sub', 'ok.yaml'), 'scenarios: []\n');
    const { symlinkSync } = await import('node:fs');
    symlinkSync(folder, join(folder, 'sub', 'loop'));
    const { execFileSync } = await import('node:child_process');
    execFileSync('mkfifo', [join(folder, 'pipe.yaml')]);
    const { problems } = await loadScenarios([folder, join(folder, 'pipe.yaml')]);
    expect(problems.map((p) => [p.file, p.message])).to.deep.equal([
      [join(folder, 'pipe.yaml'), 'not a file or folder (a device, pipe or socket)'],
      [join(folder, 'sub', 'ok.yaml'), 'must not be an empty list'],
    ]);
  });
});
