/**
 * `tlsgate inventory --project`: the TLS-bearing packages of a project's lockfiles, every copy,
 * and the driver that covers each. Fixtures in test/fixtures/lockfiles, one per format (npm
 * package-lock v2 and v3, pnpm-lock v6 and v9, yarn.lock classic and berry), spawned CLI.
 */
import { expect } from 'chai';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pnpmKey, readLockfiles } from '../../harness/inventory/lockfiles.js';
import { projectInventory, versionsByPackage, type ProjectInventory } from '../../harness/inventory/tls-packages.js';
import { ROOT, tlsgate } from '../cli/spawn.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'lockfiles');

async function inventoryOf(dir: string): Promise<ProjectInventory> {
  const r = await tlsgate(['inventory', '--project', dir, '--json']);
  expect(r.code, r.stderr).to.equal(0);
  return JSON.parse(r.stdout) as ProjectInventory;
}
const copies = (inv: ProjectInventory): string[] => inv.packages.flatMap((p) => p.copies.map((c) => `${p.name}@${c.version}`));

describe('tlsgate inventory --project (lockfile fixtures, spawned CLI)', function () {
  this.timeout(60_000);

  it('npm package-lock v3: every copy, nested ones too (two ws), links and non-TLS packages left out', async () => {
    const inv = await inventoryOf(join(FIXTURES, 'npm'));
    expect(inv.lockfiles).to.deep.equal([{ file: 'package-lock.json', kind: 'package-lock' }]);
    expect(copies(inv).sort()).to.deep.equal(['@grpc/grpc-js@1.9.14', 'kafkajs@2.2.4', 'pg@8.11.3', 'undici@7.16.0', 'ws@7.5.9', 'ws@8.16.0']);
    expect(inv.packages.find((p) => p.name === 'ws')!.copies.map((c) => c.where)).to.deep.equal(['node_modules/legacy-ws-thing/node_modules/ws', 'node_modules/ws']);
    // coverage is the drivers': undici and the library drivers' packages (pg, ws, @grpc/grpc-js), kafkajs has none yet
    expect(inv.packages.find((p) => p.name === 'undici')).to.include({ driver: 'undici', covered: true });
    expect(inv.packages.find((p) => p.name === '@grpc/grpc-js')).to.include({ driver: 'grpc-js', covered: true });
    expect(inv.uncovered).to.deep.equal(['kafkajs']);
  });

  it('npm v2, pnpm v6 and v9 (peer suffixes, scoped names), yarn classic (descriptor lists) and berry (resolutions)', async () => {
    expect(copies(await inventoryOf(join(FIXTURES, 'npm-v2')))).to.deep.equal(['pg@8.12.0']);
    expect(copies(await inventoryOf(join(FIXTURES, 'pnpm'))).sort()).to.deep.equal(['@grpc/grpc-js@1.9.14', 'mysql2@3.9.2', 'nodemailer@6.9.9', 'ws@8.16.0']);
    expect(copies(await inventoryOf(join(FIXTURES, 'pnpm-v6'))).sort()).to.deep.equal(['amqplib@0.10.3', 'ioredis@5.3.2']);
    const classic = await inventoryOf(join(FIXTURES, 'yarn-classic'));
    expect(classic.lockfiles[0]!.kind).to.equal('yarn-classic');
    expect(copies(classic).sort(), 'axios@^1.6.0, axios@^1.6.7 is one copy').to.deep.equal(['axios@1.6.7', 'got@11.8.6', 'got@14.2.0']);
    const berry = await inventoryOf(join(FIXTURES, 'yarn-berry'));
    expect(berry.lockfiles[0]!.kind).to.equal('yarn-berry');
    expect(copies(berry).sort()).to.deep.equal(['mongodb@6.3.0', 'node-fetch@2.7.0', 'node-fetch@3.3.2']);
  });

  it('a project with several lockfiles reads them all; the table names uncovered packages', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlsgate-lockfiles-'));
    try {
      copyFileSync(join(FIXTURES, 'npm', 'package-lock.json'), join(dir, 'package-lock.json'));
      copyFileSync(join(FIXTURES, 'yarn-classic', 'yarn.lock'), join(dir, 'yarn.lock'));
      copyFileSync(join(FIXTURES, 'pnpm', 'pnpm-lock.yaml'), join(dir, 'pnpm-lock.yaml'));
      const inv = await inventoryOf(dir);
      expect(inv.lockfiles.map((l) => l.kind)).to.deep.equal(['package-lock', 'pnpm-lock', 'yarn-classic']);
      expect(inv.packages.find((p) => p.name === '@grpc/grpc-js')!.copies.map((c) => c.lockfile).sort()).to.deep.equal(['package-lock.json', 'pnpm-lock.yaml']);
      const text = await tlsgate(['inventory', '--project'], { cwd: dir });
      expect(text.code, text.stderr).to.equal(0);
      expect(text.stdout).to.match(/^undici \(HTTP client \(Node fetch\)\): covered by the undici driver\n {2}7\.16\.0 {2}node_modules\/undici$/m);
      expect(text.stdout).to.match(/^kafkajs \(Kafka\): NOT COVERED/m).and.match(/^uncovered: .*kafkajs/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('no lockfile, or one that does not parse: exit 2 naming the file and the fix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlsgate-lockfiles-'));
    try {
      const none = await tlsgate(['inventory', '--project', dir]);
      expect(none.code).to.equal(2);
      expect(none.stderr).to.include('no lockfile (looked for package-lock.json, npm-shrinkwrap.json, pnpm-lock.yaml, yarn.lock)');
      writeFileSync(join(dir, 'package-lock.json'), '{ "lockfileVersion": 3, ');
      const broken = await tlsgate(['inventory', '--project', dir]);
      expect(broken.code).to.equal(2);
      expect(broken.stderr).to.include(`${join(dir, 'package-lock.json')}: cannot be read as a package-lock.json`);
      writeFileSync(join(dir, 'package-lock.json'), '{ "lockfileVersion": 1, "dependencies": {} }');
      expect((await tlsgate(['inventory', '--project', dir])).stderr).to.include('lockfileVersion 1 has no "packages"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a baseline records the project TLS packages, and drift names the one that moved next to the behaviour', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlsgate-lockfiles-'));
    try {
      mkdirSync(join(dir, 'sc'));
      copyFileSync(join(ROOT, 'test', 'cli', 'fixtures', 'good', 'pair.yaml'), join(dir, 'sc', 'pair.yaml'));
      const lock = readFileSync(join(FIXTURES, 'npm', 'package-lock.json'), 'utf8');
      writeFileSync(join(dir, 'package-lock.json'), lock);
      const env = { TLSGATE_CERTS: join(dir, 'certs') };
      expect((await tlsgate(['run', 'sc', '--update-baseline', 'b.json'], { cwd: dir, env })).code).to.equal(0);
      expect(JSON.parse(readFileSync(join(dir, 'b.json'), 'utf8')).stack.packages).to.include({ pg: '8.11.3', ws: '7.5.9 + 8.16.0' });
      writeFileSync(join(dir, 'package-lock.json'), lock.replace('"version": "8.11.3"', '"version": "8.12.0"'));
      const r = await tlsgate(['run', 'sc', '--baseline', 'b.json', '--drift-markdown', 'drift.md'], { cwd: dir, env });
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      expect(r.stdout).to.include('  Packages: pg 8.11.3 -> 8.12.0\n');
      expect(readFileSync(join(dir, 'drift.md'), 'utf8')).to.include('**Packages:** pg 8.11.3 -> 8.12.0');
      // unchanged lockfile: no packages line
      writeFileSync(join(dir, 'package-lock.json'), lock);
      expect((await tlsgate(['run', 'sc', '--baseline', 'b.json'], { cwd: dir, env })).stdout).to.not.include('Packages:');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('coverage is the drivers\': with no driver nothing is covered (flipped); versions per package for a baseline', async () => {
    const lockfiles = await readLockfiles(join(FIXTURES, 'npm'));
    expect(projectInventory('.', lockfiles, new Map()).uncovered).to.include('undici');
    expect(versionsByPackage(projectInventory('.', lockfiles, new Map([['undici', 'undici']])))).to.include({ ws: '7.5.9 + 8.16.0', pg: '8.11.3' });
    expect(pnpmKey('/@grpc/grpc-js/1.8.0')).to.deep.equal({ name: '@grpc/grpc-js', version: '1.8.0' });
  });
});
