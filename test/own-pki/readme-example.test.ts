/**
 * README "Your own PKI" runs as printed: its shell block (openssl only) makes the PKI in an
 * empty folder, its first YAML block is `acme.yaml`, and `tlsgate run acme.yaml` passes every
 * scenario; its second, `fresh.yaml` (certificates issued by the team's CA), passes too. And
 * neither is green by accident: each scenario with its outcome flipped fails.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, tlsgate } from '../cli/spawn.js';
import { createEngine } from '../../harness/session/engine.js';
import { loadScenarios } from '../../harness/scenario/load.js';

function sectionBlocks(): { sh: string; yaml: string; fresh: string } {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## Your own PKI');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const block = (lang: string) => new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(section)?.[1];
  const yaml = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return { sh: block('sh')!, yaml: yaml[0]!, fresh: yaml[1]! };
}

describe('README "Your own PKI": the example runs as printed', function () {
  this.timeout(120_000);
  let dir: string;
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('openssl makes the PKI, and every scenario of acme.yaml passes', async () => {
    const { sh, yaml } = sectionBlocks();
    dir = mkdtempSync(join(tmpdir(), 'tlsgate-readme-pki-'));
    execFileSync('sh', ['-e', '-c', sh], { cwd: dir, stdio: 'pipe' });
    writeFileSync(join(dir, 'acme.yaml'), yaml);
    const r = await tlsgate(['run', 'acme.yaml', '--certs', join(dir, 'certs'), '--concurrency', '1'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout.match(/PASS/g), r.stdout).to.have.length(5);
  });

  it('fresh.yaml: certificates issued by the team\'s CA (issuer: <files id>) pass every scenario', async () => {
    const { fresh } = sectionBlocks();
    writeFileSync(join(dir, 'fresh.yaml'), fresh);
    const r = await tlsgate(['run', 'fresh.yaml', '--certs', join(dir, 'certs'), '--concurrency', '1'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout.match(/PASS/g), r.stdout).to.have.length(3);
  });

  it('every scenario of acme.yaml and fresh.yaml fails with its outcome flipped (none is green by accident)', async () => {
    const { scenarios, problems } = await loadScenarios([join(dir, 'acme.yaml'), join(dir, 'fresh.yaml')]);
    expect(problems).to.deep.equal([]);
    const engine = await createEngine({ certsDir: join(dir, 'certs'), timeoutMs: 5000 });
    try {
      const statuses = [];
      for (const s of scenarios) {
        const flipped = { ...s, expect: { outcome: s.expect.outcome === 'accept' ? 'reject' as const : 'accept' as const } };
        statuses.push(`${s.name}: ${(await engine.run(flipped, new AbortController().signal)).verdict.status}`);
      }
      expect(statuses).to.deep.equal(scenarios.map((s) => `${s.name}: failed`));
      expect(scenarios).to.have.length(8);
    } finally {
      await engine.close();
    }
  });
});
