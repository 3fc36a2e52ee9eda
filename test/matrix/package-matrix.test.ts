/**
 * `tlsgate matrix --package`: one resolver for every npm library, fed by the placement's
 * `libraryDirs` (in this process and in a worker, checked with a hand-made undici); a spawned
 * package matrix over two local copies of ws (tlsgate's own, relabelled) proving which copy each
 * column ran by the copy each placement reports and by when.library verdicts; the real thing
 * (undici 7.0.0 and 7.30.2, pg 8.0.3 and 8.23.1 installed from the npm registry) only with
 * TLSGATE_MATRIX=1.
 */
import { expect } from 'chai';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localPlacement, runtimePlacement, thisNode, type EndPlacement } from '../../harness/drivers/remote/remote-placement.js';
import { locatePackage } from '../../harness/drivers/portable/inventory/package-location.js';
import { resolveLibrary } from '../../harness/drivers/library/resolve-library.js';
import { parsePackageRequest } from '../../harness/matrix/package-copies.js';
import { UsageError } from '../../harness/model/errors.js';
import { ROOT, tlsgate } from '../cli/spawn.js';

/** a hand-made undici in DIR/node_modules/undici, versioned `7.0.0-fake` */
function fakeUndici(dir: string): void {
  mkdirSync(join(dir, 'node_modules', 'undici'), { recursive: true });
  writeFileSync(join(dir, 'node_modules', 'undici', 'package.json'), JSON.stringify({ name: 'undici', version: '7.0.0-fake', main: 'index.js' }));
  writeFileSync(join(dir, 'node_modules', 'undici', 'index.js'), 'module.exports = {};\n');
}

describe('library copies for tlsgate matrix --package', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'tlsgate-pkgdir-')); fakeUndici(dir); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('an override folder wins when it holds the package, else the usual copy (flipped: none given)', () => {
    expect(locatePackage('undici', { overrideDir: dir })).to.deep.include({ version: '7.0.0-fake', source: 'override' });
    expect(locatePackage('semver', { overrideDir: dir })).to.equal(undefined);
    expect(locatePackage('undici')?.version).to.not.equal('7.0.0-fake');
  });

  it('a package without exports whose main is a folder loads its index.js, as require would (pg 8.7\'s main is ./lib)', async () => {
    const pkg = join(dir, 'node_modules', 'oldstyle');
    mkdirSync(join(pkg, 'lib'), { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'oldstyle', version: '1.0.0', main: './lib' }));
    writeFileSync(join(pkg, 'lib', 'index.js'), 'module.exports = { loaded: "lib/index.js" };\n');
    const resolved = await resolveLibrary<{ default: { loaded: string } }>('oldstyle', { overrideDir: dir });
    expect(resolved.module.default.loaded).to.equal('lib/index.js');
  });

  for (const [where, place] of [
    ['in this process', (d: string) => localPlacement({ libraryDirs: { undici: d } })],
    ['in a worker', (d: string) => runtimePlacement(thisNode(), { libraryDirs: { undici: d } })],
  ] as const) {
    it(`a placement's libraryDirs reach the undici driver and the stack ${where} (flipped: another placement without them)`, async () => {
      const placements: EndPlacement[] = [place(dir), localPlacement()];
      try {
        const [withCopy, without] = await Promise.all(placements.map((p) => p.drivers({ clientDriver: 'undici', serverDriver: 'node-tls' })));
        expect(await withCopy!.client.info()).to.deep.include({ version: 'undici 7.0.0-fake', source: 'override' });
        expect((await placements[0]!.stack()).undici).to.equal('7.0.0-fake');
        expect((await without!.client.info()).version).to.not.equal('undici 7.0.0-fake');
        expect((await placements[1]!.stack()).undici).to.not.equal('7.0.0-fake');
      } finally {
        await Promise.all(placements.map((p) => p.close()));
      }
    });
  }

  it('NAME@V1,V2 is parsed (scoped names too); anything else is bad input', () => {
    expect(parsePackageRequest('@grpc/grpc-js@1.9.0,1.10.0')).to.deep.equal({ name: '@grpc/grpc-js', versions: ['1.9.0', '1.10.0'] });
    expect(() => parsePackageRequest('undici')).to.throw(UsageError, /--package undici: give a package and its versions/);
  });

  it('--node and --package together, or neither, is exit 2', async () => {
    expect((await tlsgate(['matrix', '--node', '20', '--package', 'undici@7.0.0'])).code).to.equal(2);
    const neither = await tlsgate(['matrix']);
    expect(neither.code).to.equal(2);
    expect(neither.stderr).to.include('give --node 18,20,... (Node runtimes) or --package NAME@V1,V2');
  });

  it('--package of a package no driver loads is exit 2 before anything is installed (the library catalogue decides)', async () => {
    const r = await tlsgate(['matrix', '--package', 'kafkajs@2.2.4']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include('--package kafkajs@2.2.4: no tlsgate client driver loads kafkajs; give one of: undici, axios').and.include('@grpc/grpc-js').and.not.include('installing');
  });
});

describe('tlsgate matrix --package over two local copies of a library driver\'s package', function () {
  this.timeout(120_000);
  let cache: string;
  before(() => {
    // what `npm install --prefix <cache>/packages/ws@V` leaves behind, for two "versions" of ws
    // (tlsgate's own copy, relabelled): packageCopy finds them and installs nothing
    cache = mkdtempSync(join(tmpdir(), 'tlsgate-pkgcache-'));
    for (const version of ['8.0.0-copy-a', '8.0.0-copy-b']) {
      const copy = join(cache, 'packages', `ws@${version}`, 'node_modules', 'ws');
      cpSync(join(ROOT, 'node_modules', 'ws'), copy, { recursive: true });
      const pkg = JSON.parse(readFileSync(join(copy, 'package.json'), 'utf8')) as Record<string, unknown>;
      writeFileSync(join(copy, 'package.json'), JSON.stringify({ ...pkg, version }));
    }
  });
  after(() => rmSync(cache, { recursive: true, force: true }));

  it('runs the ws scenarios in this process with each copy; each column reports the copy it ran', async () => {
    const json = join(cache, 'matrix.json');
    const r = await tlsgate(['matrix', '--package', 'ws@8.0.0-copy-a,8.0.0-copy-b', '--json', json, '--timeout', '20000', '--concurrency', '2', 'scenarios/libraries/ws.yaml'], { env: { TLSGATE_CACHE_DIR: cache } });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stderr).to.not.include('installing');
    expect(r.stderr).to.match(/matrix of \d+ scenarios on ws 8\.0\.0-copy-a, ws 8\.0\.0-copy-b/);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { runtimes: Array<{ inventory: { versions: Record<string, string> } }> };
    expect(report.runtimes.map((run) => run.inventory.versions['ws (library driver)'])).to.deep.equal(['8.0.0-copy-a (override)', '8.0.0-copy-b (override)']);
    expect(r.stdout).to.include('versions.ws (library driver): 8.0.0-copy-a (override) -> 8.0.0-copy-b (override)');
  });

  it('when.library judges each column by the version its driver reported (flipped: a declaration for copy b only)', async () => {
    // the first ws scenario, declared to be refused on ws 8.0.0-copy-b alone: wrong there (it is
    // accepted), so only that column fails, naming the version it was judged against
    const file = join(cache, 'ws-declared.yaml');
    const ws = readFileSync(join(ROOT, 'scenarios', 'libraries', 'ws.yaml'), 'utf8');
    const first = ws.slice(0, ws.indexOf('  - name: untrusted root refused'));
    writeFileSync(file, `${first}    stacks:
      - when: { library: { ws: "8.0.0-copy-b" } }
        expect: { outcome: reject }
        because: "test: a declaration for one version of ws"
`);
    const r = await tlsgate(['matrix', '--package', 'ws@8.0.0-copy-a,8.0.0-copy-b', '--timeout', '20000', file], { env: { TLSGATE_CACHE_DIR: cache } });
    expect(r.code, r.stdout + r.stderr).to.equal(1);
    expect(r.stdout).to.match(/ws 8\.0\.0-copy-a \(OpenSSL [^)]*\): 1 passed, 0 failed/);
    expect(r.stdout).to.match(/ws 8\.0\.0-copy-b \(OpenSSL [^)]*\): 0 passed, 1 failed/);
  });
});

const enabled = process.env.TLSGATE_MATRIX === '1';
const title = 'tlsgate matrix --package undici@7.0.0,7.30.2 and pg@8.0.3,8.23.1 from the npm registry';
(enabled ? describe : describe.skip)(enabled ? title : `${title} (SKIPPED unless TLSGATE_MATRIX=1: installs npm packages)`, function () {
  this.timeout(300_000);
  it('runs the undici scenarios with each copy, side by side; the stack line names both versions', async () => {
    const r = await tlsgate(['matrix', '--package', 'undici@7.0.0,7.30.2', '--timeout', '20000']);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stderr).to.match(/matrix of \d+ scenarios on undici 7\.0\.0, undici 7\.30\.2/);
    expect(r.stdout).to.include('Stack: undici 7.0.0 (override) -> 7.30.2 (override)');
  });

  it('pg 8.0.3 and 8.23.1 differ exactly where docs/package-matrix-example.md says (sslmode, an IP host\'s name)', async () => {
    const r = await tlsgate(['matrix', '--package', 'pg@8.0.3,8.23.1', '--timeout', '20000', '--concurrency', '2', 'scenarios/libraries/']);
    expect(r.code, r.stdout + r.stderr).to.equal(1);
    expect(r.stdout).to.match(/pg 8\.0\.3 \(OpenSSL [^)]*\): 11 passed, 5 failed/);
    expect(r.stdout).to.match(/pg 8\.23\.1 \(OpenSSL [^)]*\): 16 passed, 0 failed/);
    expect(r.stdout).to.match(/pg\.yaml#sslmode=disable in the connection string is plain text, even with an ssl object: was accepted, now rejected/);
    expect(r.stdout).to.match(/pg\.yaml#IP host against an IP SAN accepted: was rejected \(hostname-mismatch/);
  });
});
