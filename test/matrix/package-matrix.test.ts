/**
 * `tlsgate matrix --package`: the override hook (a folder whose copy wins over the project's and
 * tlsgate's, checked with a hand-made package) in every run; the real thing, undici 7.0.0 and
 * 7.30.2 installed from the npm registry, only with TLSGATE_MATRIX=1.
 */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locatePackage, PACKAGE_DIR_ENV } from '../../harness/drivers/portable/inventory/undici-version.js';
import { parsePackageRequest } from '../../harness/matrix/package-copies.js';
import { UsageError } from '../../harness/model/errors.js';
import { tlsgate } from '../cli/spawn.js';

describe('library copies for tlsgate matrix --package', () => {
  it('$TLSGATE_PACKAGE_DIR wins when it holds the package, else the usual copy (flipped: unset)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlsgate-pkgdir-'));
    const saved = process.env[PACKAGE_DIR_ENV];
    try {
      mkdirSync(join(dir, 'node_modules', 'undici'), { recursive: true });
      writeFileSync(join(dir, 'node_modules', 'undici', 'package.json'), JSON.stringify({ name: 'undici', version: '7.0.0-fake', main: 'index.js' }));
      writeFileSync(join(dir, 'node_modules', 'undici', 'index.js'), 'module.exports = {};\n');
      process.env[PACKAGE_DIR_ENV] = dir;
      expect(locatePackage('undici')).to.deep.include({ version: '7.0.0-fake', source: 'override' });
      // a package the folder does not hold falls back as before
      expect(locatePackage('semver')?.source).to.not.equal('override');
      delete process.env[PACKAGE_DIR_ENV];
      expect(locatePackage('undici')?.version).to.not.equal('7.0.0-fake');
    } finally {
      if (saved === undefined) delete process.env[PACKAGE_DIR_ENV];
      else process.env[PACKAGE_DIR_ENV] = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });

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
});

const enabled = process.env.TLSGATE_MATRIX === '1';
const title = 'tlsgate matrix --package undici@7.0.0,7.30.2 from the npm registry';
(enabled ? describe : describe.skip)(enabled ? title : `${title} (SKIPPED unless TLSGATE_MATRIX=1: installs npm packages)`, function () {
  this.timeout(300_000);
  it('runs the undici scenarios with each copy, side by side; the stack line names both versions', async () => {
    const r = await tlsgate(['matrix', '--package', 'undici@7.0.0,7.30.2', '--timeout', '20000']);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stderr).to.match(/matrix of \d+ scenarios on undici 7\.0\.0, undici 7\.30\.2/);
    expect(r.stdout).to.include('Stack: undici 7.0.0 (override) -> 7.30.2 (override)');
  });
});
