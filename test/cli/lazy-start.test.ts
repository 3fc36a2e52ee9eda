/**
 * `tlsgate list` reads the whole built-in catalogue (library scenarios with client.library,
 * files with pki.files) without loading the heavy modules only a run or a team's files need:
 * no library driver's npm package, no TypeBox (the schemas are compiled at build time), no
 * X.509/CRL parser, no help layout for yargs. Warm (every file in the load cache), it loads no
 * YAML parser and no schema validator either. A resolve hook in the child records every module
 * it imports, and a hook on the CommonJS loader every module it requires (the validators are),
 * in a log file of the child's.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFiles } from '../../harness/scenario/load-cache/build-files.js';
import { CLI, ROOT, start, type Finished } from './spawn.js';

const HEAVY = ['typebox', 'pkijs', 'asn1js', '@peculiar/x509', 'axios', 'got', 'node-fetch', 'ws', '@grpc/grpc-js', 'pg', 'mysql2', 'ioredis', 'nodemailer', 'undici',
  // yargs' help layout: loaded only when help is printed (harness/cli/lean-yargs.ts)
  'cliui', 'string-width', 'wrap-ansi'];
/** what only a cold load needs: the YAML parser, the schema validators (and ajv's runtime), semver for the stack checks */
const COLD_ONLY = ['yaml', 'ajv', 'semver', '@peculiar/asn1-schema'];

// The hooks append to the file IMPORT_LOG names, not to stderr: a synchronous write to a pipe the
// test has not drained yet fails with EAGAIN, inside the child's module loading.
const IMPORT_LOG = 'TLSGATE_TEST_IMPORT_LOG';
const RESOLVE_HOOK = `import { appendFileSync } from "node:fs"; export async function resolve(s, c, n) { const r = await n(s, c); appendFileSync(process.env.${IMPORT_LOG}, "IMPORTED " + r.url + "\\n"); return r; }`;
const HOOKS = [
  "import { register, createRequire } from 'node:module';",
  "import { appendFileSync } from 'node:fs';",
  `register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(RESOLVE_HOOK)}));`,
  "const Module = createRequire(import.meta.url)('node:module');",
  'const load = Module._load;',
  `Module._load = function (request, parent, isMain) { appendFileSync(process.env.${IMPORT_LOG}, 'REQUIRED ' + Module._resolveFilename(request, parent, isMain) + '\\n'); return load.apply(this, arguments); };`,
  '',
].join('\n');

/** a finished child and the modules its hooks saw it load, a line each (`IMPORTED <url>`, `REQUIRED <file>`) */
type Logged = Finished & { imports: string };

let logs = 0;
/** runs `args` under the hooks in `folder`, with a log of its own */
async function startLogged(folder: { dir: string; hook: string }, args: string[], env: Record<string, string>): Promise<Logged> {
  const log = join(folder.dir, `imports-${++logs}.log`);
  writeFileSync(log, '');
  const r = await start(['--import', folder.hook, ...args], { cwd: folder.dir, env: { ...env, [IMPORT_LOG]: log } }).done;
  return { ...r, imports: readFileSync(log, 'utf8') };
}

/** the npm packages a run imported (ESM), or also required (CommonJS: a cold load requires @peculiar/x509 for a DN that is not plain) */
const packagesOf = (r: Logged, how: 'imported' | 'imported or required'): Set<string> => {
  const line = how === 'imported' ? /^IMPORTED .*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//gm : /^(?:IMPORTED|REQUIRED) .*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//gm;
  return new Set([...r.imports.matchAll(line)].map((m) => m[1]!));
};

/** a temporary folder per describe, holding the hooks (made before its tests, removed after) */
function hookFolder(prefix: string): { dir: string; hook: string } {
  const folder = { dir: '', hook: '' };
  before(() => {
    folder.dir = mkdtempSync(join(tmpdir(), prefix));
    folder.hook = join(folder.dir, 'log-imports.mjs');
    writeFileSync(folder.hook, HOOKS);
  });
  after(() => folder.dir && rmSync(folder.dir, { recursive: true, force: true }));
  return folder;
}

describe('tlsgate list starts without heavy modules', function () {
  this.timeout(60_000);
  const folder = hookFolder('tlsgate-lazy-');
  let cold: Logged;
  let warm: Logged;

  const list = async (): Promise<Logged> => {
    const r = await startLogged(folder, [...CLI, 'list'], { TLSGATE_CACHE_DIR: join(folder.dir, 'cache'), TLSGATE_NO_LOAD_CACHE: '' });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.include('libraries/pg.yaml').and.include('libraries/grpc-js.yaml');
    return r;
  };

  it('loads none of the library packages, TypeBox or the X.509 parsers, and still lists the library scenarios; warm, no YAML parser or schema validator either', async () => {
    cold = await list();
    const coldImports = packagesOf(cold, 'imported');
    expect(coldImports.size).to.be.greaterThan(0); // the hook saw the imports (yargs, yaml)
    expect(HEAVY.filter((name) => coldImports.has(name))).to.deep.equal([]);
    const coldLoads = packagesOf(cold, 'imported or required');
    expect(COLD_ONLY.filter((name) => coldLoads.has(name)), 'the hooks see what a cold load loads').to.deep.equal(COLD_ONLY);
    expect(cold.imports).to.match(/^REQUIRED .*\/schema\/scenario\.validator\.cjs$/m);

    warm = await list();
    expect(warm.stdout).to.equal(cold.stdout);
    const warmPackages = packagesOf(warm, 'imported or required');
    expect([...HEAVY, ...COLD_ONLY].filter((name) => warmPackages.has(name))).to.deep.equal([]);
    expect(warm.imports).to.not.match(/validator\.cjs$/m);
  });

  it('the build identity covers every module and package only a cold load loads (the closure its import scan finds)', function () {
    if (!cold || !warm) this.skip();
    const loaded = (r: Logged) => new Set([...r.imports.matchAll(/^(?:IMPORTED|REQUIRED) (.*)$/gm)]
      .map((m) => (m[1]!.startsWith('file:') ? fileURLToPath(m[1]!) : m[1]!)));
    const warmLoads = loaded(warm);
    const coldOnly = [...loaded(cold)].filter((file) => !warmLoads.has(file) && !isBuiltin(file));
    expect(coldOnly.length).to.be.greaterThan(20);
    const covered = new Set(buildFiles());
    const packageOf = (file: string) => /^(.*\/node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1];
    const uncovered = coldOnly.filter((file) => {
      const pkg = packageOf(file);
      if (pkg === undefined) return !covered.has(file);
      // a direct dependency by its package.json; any package by the tree record npm keeps in the top node_modules
      return !covered.has(join(pkg, 'package.json')) && !covered.has(join(pkg.slice(0, pkg.indexOf('/node_modules/') + 13), '.package-lock.json'));
    });
    expect(uncovered).to.deep.equal([]);
  });
});

describe('tlsgate run starts without what its scenarios do not need', function () {
  this.timeout(120_000);
  const folder = hookFolder('tlsgate-lazy-run-');

  const run = async (file: string, grep?: string): Promise<Set<string>> => {
    const r = await startLogged(folder, [...CLI, 'run', join(ROOT, 'scenarios', file), ...(grep ? ['--grep', grep] : []), '--reporter', 'tap'],
      { TLSGATE_CACHE_DIR: join(folder.dir, 'cache'), TLSGATE_CERTS: '', TLSGATE_NO_LOAD_CACHE: '' });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^ok 1 /m);
    return packagesOf(r, 'imported or required');
  };

  /** what only issuing, a failing TAP line, version ranges and revocation checks or a team's files need */
  const NOT_FOR_CACHED_CHAINS = ['@peculiar/x509', 'yaml', 'semver', 'pkijs', 'asn1js', '@peculiar/asn1-schema', '@peculiar/asn1-x509', 'typebox', 'ajv'];

  it('issuing certificates loads @peculiar/x509; with every certificate cached, a chain run loads no encoder, no ASN.1 library, no yaml, no semver', async () => {
    const first = await run(join('chain', 'self-signed.yaml'));
    expect(first.has('@peculiar/x509'), 'the hooks see the encoder where certificates are issued').to.equal(true);
    const warm = await run(join('chain', 'self-signed.yaml'));
    expect(NOT_FOR_CACHED_CHAINS.filter((name) => warm.has(name))).to.deep.equal([]);
  });

  it('a scenario that checks revocation still loads the CRL parser it needs', async () => {
    await run(join('revocation', 'crl.yaml'), '#CRL good leaf$');
    const warm = await run(join('revocation', 'crl.yaml'), '#CRL good leaf$');
    expect(['pkijs', 'asn1js'].filter((name) => warm.has(name))).to.deep.equal(['pkijs', 'asn1js']);
  });
});
