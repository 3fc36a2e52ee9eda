/**
 * yargs in one module (bin/bundle-yargs.js; harness/cli/lean-yargs.ts takes it): a start with the
 * bundle loads none of yargs' own files, and parses every command line as they do. The oracle for
 * the second is yargs itself: the same command lines with the bundle hidden from the child (a
 * resolve hook makes its import fail, as when no build made it) print the same and exit the same.
 * A bundle of another yargs version (in its name) is never taken.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as nodeAssert from 'node:assert';
import { lazyEquality } from '../../harness/cli/lean-yargs.js';
import { CLI, ROOT, start, type Finished } from './spawn.js';

interface BundleModule {
  ensureYargsBundle(root: string): void;
  yargsBundlePath(root: string, version: string): string;
}

const requireBundler = async (): Promise<BundleModule> => await import(pathToFileURL(join(ROOT, 'bin', 'bundle-yargs.js')).href) as BundleModule;

const YARGS_VERSION = (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'yargs', 'package.json'), 'utf8')) as { version: string }).version;

/** logs every module the child loads; with `hide`, an import of a yargs bundle fails as a missing file would */
const hooks = (hide: boolean) => [
  "import { register } from 'node:module';",
  `register('data:text/javascript,' + encodeURIComponent(${JSON.stringify([
    'import { appendFileSync } from "node:fs";',
    hide ? 'export async function resolve(s, c, n) { if (/yargs-lean-[^/]*\\.js$/.test(s)) throw Object.assign(new Error("hidden by the test"), { code: "ERR_MODULE_NOT_FOUND" }); return n(s, c); }' : '',
    // loads, not resolutions: lean-yargs resolves yargs' entry (import.meta.resolve) to find its folder
    'export async function load(url, c, n) {',
    '  appendFileSync(process.env.TLSGATE_TEST_IMPORT_LOG, url + "\\n");',
    '  return n(url, c);',
    '}',
  ].join('\n'))}));`,
].join('\n');

const COMMAND_LINES: string[][] = [
  ['list'],
  ['list', '--tag', 'smoke', '--grep', 'OCSP'],
  ['list', '--shard', '3/2'],
  ['--help'],
  ['run', '--help'],
  ['run', '--bogus'],
  ['run', '--workers', 'many'],
  ['frobnicate'],
  ['cache', '--help'],
];

describe('yargs in one module: the same parser, fewer files', function () {
  this.timeout(120_000);
  let dir: string;
  let logs = 0;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tlsgate-yargs-bundle-'));
    for (const hide of [false, true]) writeFileSync(join(dir, `hooks-${hide}.mjs`), hooks(hide));
    const bundler = await requireBundler();
    bundler.ensureYargsBundle(ROOT);
    expect(existsSync(bundler.yargsBundlePath(ROOT, YARGS_VERSION)), 'the bundle was made').to.equal(true);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cli = async (args: string[], hide: boolean): Promise<Finished & { imports: string[] }> => {
    const log = join(dir, `imports-${++logs}.log`);
    writeFileSync(log, '');
    const env = { TLSGATE_TEST_IMPORT_LOG: log, TLSGATE_CACHE_DIR: join(dir, 'cache'), NO_COLOR: '1' };
    const r = await start(['--import', join(dir, `hooks-${hide}.mjs`), ...CLI, ...args], { cwd: dir, env }).done;
    return { ...r, imports: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
  };

  it(`with the bundle of yargs ${YARGS_VERSION}, a start imports it and none of yargs' own files`, async function () {
    const r = await cli(['list'], false);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.imports.filter((url) => url.includes(`/dist/vendor/yargs-lean-${YARGS_VERSION}.js`))).to.have.length(1);
    expect(r.imports.filter((url) => /\/node_modules\/(yargs|yargs-parser|y18n|escalade)\//.test(url))).to.deep.equal([]);
  });

  it('the bundle hidden, yargs\' own files load (the flip of the test above)', async function () {
    const r = await cli(['list'], true);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.imports.some((url) => url.includes('/node_modules/yargs/build/lib/yargs-factory.js'))).to.equal(true);
  });

  for (const args of COMMAND_LINES) {
    it(`tlsgate ${args.join(' ')}: the same output and exit code with the bundle as with yargs' own files`, async function () {
      const [bundled, own] = [await cli(args, false), await cli(args, true)];
      expect(bundled.imports.some((url) => url.includes('/dist/vendor/yargs-lean-'))).to.equal(true);
      expect({ code: bundled.code, stdout: bundled.stdout, stderr: bundled.stderr }).to.deep.equal({ code: own.code, stdout: own.stdout, stderr: own.stderr });
    });
  }

  it('made in a process of its own: a fresh package gets the bundle, and this process is left no child (esbuild\'s service lives in the builder)', async function () {
    const fresh = mkdtempSync(join(dir, 'package-'));
    cpSync(join(ROOT, 'package.json'), join(fresh, 'package.json'));
    symlinkSync(join(ROOT, 'node_modules'), join(fresh, 'node_modules'), 'dir');
    const bundler = await requireBundler();
    bundler.ensureYargsBundle(fresh);
    const bundle = bundler.yargsBundlePath(fresh, YARGS_VERSION);
    expect(readFileSync(bundle, 'utf8')).to.match(/^\/\/ GENERATED by bin\/bundle-yargs\.js from yargs /);
    const children = execFileSync('ps', ['--ppid', String(process.pid), '-o', 'comm='], { encoding: 'utf8' }).split('\n').filter((c) => c && c !== 'ps');
    expect(children).to.deep.equal([]);
  });

  it('a package without esbuild: no bundle, but the vendor folder is made, so the bin does not try again on every start', async function () {
    const fresh = mkdtempSync(join(dir, 'no-esbuild-'));
    cpSync(join(ROOT, 'package.json'), join(fresh, 'package.json'));
    // yargs and what it needs, and nothing else
    mkdirSync(join(fresh, 'node_modules'));
    for (const name of ['yargs', 'cliui', 'escalade', 'get-caller-file', 'string-width', 'y18n', 'yargs-parser']) {
      symlinkSync(join(ROOT, 'node_modules', name), join(fresh, 'node_modules', name), 'dir');
    }
    const bundler = await requireBundler();
    bundler.ensureYargsBundle(fresh);
    expect(readdirSync(join(fresh, 'dist', 'vendor'))).to.deep.equal([]);
  });

  it('a bundle named for another yargs version is not taken', async function () {
    const bundler = await requireBundler();
    const other = bundler.yargsBundlePath(ROOT, '0.0.0-other');
    writeFileSync(other, 'throw new Error("a bundle of another yargs was loaded");\n');
    try {
      const r = await cli(['list'], false);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.imports.some((url) => url.includes('0.0.0-other'))).to.equal(false);
    } finally {
      rmSync(other, { force: true });
    }
  });
});

describe('the assertions yargs is given: node:assert\'s, loaded only when one fails', function () {
  const outcome = (f: () => void): string => {
    try {
      f();
      return 'passed';
    } catch (err) {
      return `${(err as Error).name}: ${(err as Error).message}`;
    }
  };
  const pairs: Array<[unknown, unknown]> = [[1, 1], [1, '1'], [Number.NaN, Number.NaN], [0, -0], [undefined, undefined], [null, undefined], [{}, {}], ['a', 'a']];
  for (const [a, b] of pairs) {
    it(`${String(a)} and ${String(b)}: the same outcome and message as node:assert`, function () {
      for (const name of ['strictEqual', 'notStrictEqual'] as const) {
        expect(outcome(() => lazyEquality[name](a, b, undefined)), name).to.equal(outcome(() => (nodeAssert[name] as (x: unknown, y: unknown, m?: string) => void)(a, b, undefined)));
        expect(outcome(() => lazyEquality[name](a, b, 'yargs said so')), name).to.equal(outcome(() => (nodeAssert[name] as (x: unknown, y: unknown, m?: string) => void)(a, b, 'yargs said so')));
      }
    });
  }
});
