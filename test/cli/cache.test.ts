/**
 * The cache folder CI can keep: real runs (spawned, as CI runs them) fill it outside
 * node_modules; `tlsgate cache info` is checked against find(1); `tlsgate cache prune` removes
 * what was not used and keeps what a run used (the same key bytes, no key made again).
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultCacheDir } from '../../harness/model/paths.js';
import { ROOT, tlsgate } from './spawn.js';

const A = join(ROOT, 'scenarios', 'chain', 'self-signed.yaml');
const B = join(ROOT, 'scenarios', 'revocation', 'lifecycle.yaml');
/** no cache variables from the shell running the tests ('' counts as unset) */
const CLEAN_ENV = { TLSGATE_CERTS: '', TLSGATE_CACHE_DIR: '', TLSGATE_NODE_CACHE: '' };
const DAY_MS = 86_400_000;

const keyNames = (certs: string): string[] => readdirSync(join(certs, 'keys')).filter((n) => n.endsWith('.key')).sort();
/** find(1) as the independent count: files named *.ext under dir */
const findCount = (dir: string, ext: string): number =>
  Number(execFileSync('sh', ['-c', `find "$1" -type f -name "*.${ext}" | wc -l`, 'sh', dir], { encoding: 'utf8' }).trim());
const findBytes = (dir: string, ext: string): number =>
  execFileSync('find', [dir, '-type', 'f', '-name', `*.${ext}`, '-printf', '%s\n'], { encoding: 'utf8' }).split('\n').filter(Boolean).reduce((n, s) => n + Number(s), 0);

function ageEverything(dir: string, days: number): void {
  const then = new Date(Date.now() - days * DAY_MS);
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) utimesSync(join(entry.parentPath, entry.name), then, then);
  }
}

describe('the cache folder (spawned runs)', function () {
  this.timeout(180_000);
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'tlsgate-cache-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('defaults to .tlsgate-cache/certs (and loaded/) in the working directory: keys 0600, folders 0700', async () => {
    const r = await tlsgate(['run', A], { cwd: dir, env: CLEAN_ENV });
    expect(r.code, r.stderr).to.equal(0);
    const certs = join(dir, '.tlsgate-cache', 'certs');
    expect(keyNames(certs)).to.have.length.above(0);
    for (const name of keyNames(certs)) expect(statSync(join(certs, 'keys', name)).mode & 0o777, name).to.equal(0o600);
    for (const folder of [join(dir, '.tlsgate-cache'), certs, join(certs, 'keys'), join(certs, 'issued'), join(dir, '.tlsgate-cache', 'loaded')]) {
      expect(statSync(folder).mode & 0o777, folder).to.equal(0o700);
    }
  });

  it('TLSGATE_CACHE_DIR moves the whole cache; --certs still wins', async () => {
    const moved = join(dir, 'ci-cache');
    const r = await tlsgate(['run', A], { cwd: dir, env: { ...CLEAN_ENV, TLSGATE_CACHE_DIR: moved } });
    expect(r.code, r.stderr).to.equal(0);
    expect(keyNames(join(moved, 'certs'))).to.have.length.above(0);
    const flag = await tlsgate(['run', A, '--certs', join(dir, 'flag')], { cwd: dir, env: { ...CLEAN_ENV, TLSGATE_CACHE_DIR: moved } });
    expect(flag.code, flag.stderr).to.equal(0);
    expect(keyNames(join(dir, 'flag'))).to.deep.equal(keyNames(join(moved, 'certs')));
  });

  it('cache info counts what find(1) counts', async () => {
    const certs = join(dir, 'certs');
    const nodeCache = join(dir, 'node');
    for (const file of [A, B]) expect((await tlsgate(['run', file, '--certs', certs], { cwd: dir, env: CLEAN_ENV })).code).to.equal(0);
    // a Node build as the matrix leaves one: <cache>/<version>/bin/node
    mkdirSync(join(nodeCache, '20.1.2', 'bin'), { recursive: true });
    writeFileSync(join(nodeCache, '20.1.2', 'bin', 'node'), Buffer.alloc(4321));
    const r = await tlsgate(['cache', 'info', '--json', '--certs', certs, '--node-cache', nodeCache], { cwd: dir, env: CLEAN_ENV });
    expect(r.code, r.stderr).to.equal(0);
    const info = JSON.parse(r.stdout) as Record<'keys' | 'certificates' | 'scenarioFiles' | 'nodeBuilds' | 'durations', { count: number; bytes: number; oldest?: string; newest?: string }> & { bytes: number };
    expect(info.keys.count).to.equal(findCount(certs, 'key')).and.to.be.above(0);
    expect(info.certificates.count).to.equal(findCount(certs, 'pem')).and.to.be.above(0);
    expect(info.keys.bytes).to.equal(findBytes(certs, 'key'));
    expect(info.certificates.bytes).to.equal(findBytes(certs, 'pem'));
    // the two files each run checked: one load cache entry each
    const loaded = join(dir, '.tlsgate-cache', 'loaded');
    expect(info.scenarioFiles).to.include({ count: findCount(loaded, 'v8'), bytes: findBytes(loaded, 'v8'), dir: loaded });
    expect(info.scenarioFiles.count).to.equal(2);
    expect(info.nodeBuilds).to.include({ count: 1, bytes: 4321 });
    // the runs' durations: one file, whatever find(1) says of it
    const durations = join(dir, '.tlsgate-cache', 'durations.json');
    expect(info.durations).to.include({ count: 1, bytes: statSync(durations).size, dir: durations });
    expect(info.bytes).to.equal(info.keys.bytes + info.certificates.bytes + info.scenarioFiles.bytes + 4321 + info.durations.bytes);
    expect(Date.parse(info.certificates.oldest!)).to.be.at.most(Date.parse(info.certificates.newest!));
    const table = await tlsgate(['cache', 'info', '--certs', certs, '--node-cache', nodeCache], { cwd: dir, env: CLEAN_ENV });
    expect(table.stdout).to.match(new RegExp(`^keys\\s+${info.keys.count}\\s`, 'm')).and.to.include('20.1.2');
    expect(table.stdout).to.match(/^scenario files\s+2\s/m);
  });

  it('cache prune removes what was not used and keeps what a run used', async () => {
    const certs = join(dir, 'certs');
    const loaded = join(dir, '.tlsgate-cache', 'loaded');
    for (const file of [A, B]) expect((await tlsgate(['run', file, '--certs', certs], { cwd: dir, env: CLEAN_ENV })).code).to.equal(0);
    // what A alone uses, from a run into a fresh folder (keys are named by spec, not by run)
    expect((await tlsgate(['run', A, '--certs', join(dir, 'a-only')], { env: CLEAN_ENV })).code).to.equal(0);
    const aKeys = keyNames(join(dir, 'a-only'));
    expect(keyNames(certs)).to.include.members(aKeys).and.to.have.length.above(aKeys.length);

    // 10 days: idle for `--older-than 7d`, not yet for the run's own once-a-day prune (30 days)
    ageEverything(certs, 10);
    ageEverything(loaded, 10);
    expect((await tlsgate(['run', A, '--certs', certs], { cwd: dir, env: CLEAN_ENV })).code).to.equal(0);
    const aKeyBytes = aKeys.map((k) => readFileSync(join(certs, 'keys', k), 'utf8'));
    const idle = (folder: string, ext: string) => Number(execFileSync('sh', ['-c', `find "$1" -type f -name "*.${ext}" -mtime +7 | wc -l`, 'sh', folder], { encoding: 'utf8' }).trim());
    const idlePems = idle(certs, 'pem');
    expect(idlePems).to.be.above(0);
    // B's entry idles; A's the run took again, which counts as a use
    expect([idle(loaded, 'v8'), findCount(loaded, 'v8')]).to.deep.equal([1, 2]);

    const r = await tlsgate(['cache', 'prune', '--older-than', '7d', '--certs', certs, '--node-cache', join(dir, 'node')], { cwd: dir, env: CLEAN_ENV });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.include(`${idlePems} certificates and 1 scenario files`);
    expect(keyNames(certs)).to.deep.equal(aKeys);
    expect(findCount(certs, 'pem')).to.be.above(0);
    expect(execFileSync('find', [certs, '-type', 'f', '-name', '*.pem', '-mtime', '+7'], { encoding: 'utf8' })).to.equal('');
    expect([idle(loaded, 'v8'), findCount(loaded, 'v8')]).to.deep.equal([0, 1]);

    // the kept keys serve the next run as they are: none is made again
    expect((await tlsgate(['run', A, '--certs', certs], { env: CLEAN_ENV })).code).to.equal(0);
    expect(keyNames(certs)).to.deep.equal(aKeys);
    expect(aKeys.map((k) => readFileSync(join(certs, 'keys', k), 'utf8'))).to.deep.equal(aKeyBytes);
  });

  it("a run prunes on its way out: certificates and scenario files idle for 30 days go, keys (90 days) stay", async () => {
    const certs = join(dir, 'certs');
    const loaded = join(dir, '.tlsgate-cache', 'loaded');
    expect((await tlsgate(['run', B, '--certs', certs], { cwd: dir, env: CLEAN_ENV })).code).to.equal(0);
    const keys = keyNames(certs);
    ageEverything(certs, 40); // the once-a-day stamp too: the next run's prune is due
    ageEverything(loaded, 40);
    expect(findCount(certs, 'pem')).to.be.above(0);
    expect(findCount(loaded, 'v8')).to.equal(1);
    expect((await tlsgate(['run', A, '--certs', certs], { cwd: dir, env: CLEAN_ENV })).code).to.equal(0);
    expect(execFileSync('find', [certs, '-type', 'f', '-name', '*.pem', '-mtime', '+30'], { encoding: 'utf8' })).to.equal('');
    expect(keyNames(certs)).to.include.members(keys);
    expect(execFileSync('find', [loaded, '-type', 'f', '-name', '*.v8', '-mtime', '+30'], { encoding: 'utf8' })).to.equal('');
    expect(findCount(loaded, 'v8')).to.equal(1); // A's, just written
  });

  it('cache prune --all empties it, Node builds and run durations too; a bad duration is exit 2', async () => {
    const certs = join(dir, 'certs');
    const nodeCache = join(dir, 'node');
    expect((await tlsgate(['run', A, '--certs', certs], { cwd: dir, env: CLEAN_ENV })).code).to.equal(0);
    mkdirSync(join(nodeCache, '22.0.0', 'bin'), { recursive: true });
    writeFileSync(join(nodeCache, '22.0.0', 'bin', 'node'), 'x');
    const bad = await tlsgate(['cache', 'prune', '--older-than', 'soon', '--certs', certs, '--node-cache', nodeCache], { cwd: dir, env: CLEAN_ENV });
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.include('--older-than').and.to.include('7d');
    expect(findCount(join(dir, '.tlsgate-cache', 'loaded'), 'v8')).to.equal(1);
    expect(readdirSync(join(dir, '.tlsgate-cache'))).to.include('durations.json');
    const r = await tlsgate(['cache', 'prune', '--all', '--certs', certs, '--node-cache', nodeCache], { cwd: dir, env: CLEAN_ENV });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.include('1 scenario files');
    expect(findCount(certs, 'key') + findCount(certs, 'pem')).to.equal(0);
    expect(readdirSync(nodeCache)).to.deep.equal([]);
    const left = readdirSync(join(dir, '.tlsgate-cache'));
    expect(left).to.not.include('loaded');
    expect(left).to.not.include('durations.json');
  });
});

describe('defaultCacheDir', () => {
  it('is .tlsgate-cache in the working directory, $TLSGATE_CACHE_DIR, or the user cache folder when the project is read-only', () => {
    expect(defaultCacheDir('/proj', {}, () => true)).to.equal(join('/proj', '.tlsgate-cache'));
    expect(defaultCacheDir('/proj', { TLSGATE_CACHE_DIR: '/ci/cache' }, () => false)).to.equal('/ci/cache');
    expect(defaultCacheDir('/proj', { XDG_CACHE_HOME: '/home/u/.cache' }, () => false)).to.equal(join('/home/u/.cache', 'tlsgate'));
  });
});
