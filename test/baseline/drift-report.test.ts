/**
 * The drift report people read, from two real runs: a baseline recorded with a scenario file
 * (its stack line edited to say an older Node and root store, as a baseline from before an
 * upgrade would), then a copy where every server allows TLS 1.3. The same change in several
 * scenarios is one finding with a count and the scenarios folded below it, in the console, the
 * Markdown report and the GitHub step summary; the top line says what changed in the stack.
 */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBaseline, writeBaseline } from '../../harness/baseline/baseline-file.js';
import { tlsgate } from '../cli/spawn.js';

const NAMES = ['alpha', 'bravo', 'charlie', 'delta'];
const catalogue = (server: string): string => `pki:
  certs:
    - { id: root, role: root, subject: "CN=tlsgate drift report root" }
    - { id: leaf, role: server, issuer: root, subject: "CN=localhost", san: { dns: [localhost] } }
scenarios:
${NAMES.map((n) => `  - name: ${n}\n    server: ${server}\n    expect: { outcome: accept }\n`).join('')}`;

describe('drift report: stack on top, identical changes folded (two real runs)', function () {
  this.timeout(60_000);
  let dir: string;
  let base: string;
  let run: { code: number | null; stdout: string; stderr: string };
  const folder = (name: string, text: string): string => {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, 'fold.yaml'), text);
    return join(dir, name);
  };
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tlsgate-drift-report-'));
    base = join(dir, 'baseline.json');
    const certs = ['--certs', join(dir, 'certs')];
    const recorded = await tlsgate(['run', folder('tls12', catalogue('{ cert: leaf, maxVersion: TLSv1.2 }')), ...certs, '--update-baseline', base]);
    expect(recorded.code, recorded.stderr).to.equal(0);
    const b = await readBaseline(base);
    const stack = b.stack!;
    await writeBaseline(base, { ...b, stack: { ...stack, versions: { ...stack.versions, node: 'v18.0.0' }, rootStore: { count: 139, sha256: 'old' } } });
    writeFileSync(join(dir, 'summary.md'), '');
    run = await tlsgate(
      ['run', folder('tls13', catalogue('{ cert: leaf }')), ...certs, '--baseline', base, '--drift-markdown', join(dir, 'drift.md'), '--reporter', 'console', '--reporter', `github:${join(dir, 'gh.txt')}`],
      { env: { GITHUB_STEP_SUMMARY: join(dir, 'summary.md') } },
    );
    expect(run.code, run.stdout + run.stderr).to.equal(0);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('console: the stack change on top, one finding line with the count, the scenarios below it', () => {
    const text = run.stdout.slice(run.stdout.indexOf('drift against'));
    const lines = text.split('\n');
    expect(lines[0]).to.equal(`drift against ${base}: 4 changes in 1 finding, none fails the gate`);
    expect(lines[1]).to.match(new RegExp(`^  Stack: Node v18\\.0\\.0 -> ${process.version.replace(/\./g, '\\.')}, root store 139 -> \\d+ certificates$`));
    expect(lines[2]).to.equal('  Negotiation changed (4)');
    expect(lines[3]).to.match(/^ {4}protocol TLSv1\.2 -> TLSv1\.3, cipher \S+ -> \S+: 4 scenarios$/);
    expect(lines.slice(4, 8)).to.deep.equal(NAMES.map((n) => `      fold.yaml#${n}`));
    expect(text.match(/protocol TLSv1\.2 -> TLSv1\.3/g)).to.have.length(1);
  });

  it('Markdown and the GitHub step summary: the stack on top, one row for the finding with the scenarios folded in <details>', () => {
    for (const file of ['drift.md', 'summary.md']) {
      const markdown = readFileSync(join(dir, file), 'utf8');
      expect(markdown, file).to.match(/\*\*Stack:\*\* Node v18\.0\.0 -> v[\d.]+, root store 139 -> \d+ certificates/);
      const rows = markdown.split('\n').filter((l) => l.includes('protocol TLSv1.2 -> TLSv1.3'));
      expect(rows, file).to.have.length(1);
      expect(rows[0], file).to.include(`<details><summary>4 scenarios</summary>${NAMES.map((n) => `fold.yaml#${n}`).join('<br>')}</details>`).and.include('(4) |');
    }
  });
});
