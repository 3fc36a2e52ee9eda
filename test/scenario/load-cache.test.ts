/**
 * The load cache (harness/scenario/load-cache/): a warm load gives exactly what a cold one gives,
 * for every file of the catalogue; and every change the key covers is a miss: the file's bytes,
 * a PEM file it names, a corrupt or foreign entry, another build identity, the clock. A cache that
 * cannot be written still loads. A hit is told from a miss by the check: on a hit it must not run.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issuePki } from '../../ca/issue/factory.js';
import { builtinScenariosDir } from '../../harness/model/paths.js';
import { findScenarioFiles, type ScenarioFileRef } from '../../harness/scenario/find-files.js';
import { loadCatalogue } from '../../harness/scenario/load.js';
import { checkScenarioFile, type CheckedFile } from '../../harness/scenario/load-file.js';
import { currentBuildIdentity } from '../../harness/scenario/load-cache/build-identity.js';
import { BUILDS_FOLDER, defaultLoadCache, ENTRY_SUFFIX, LoadCache, type LoadCacheOptions } from '../../harness/scenario/load-cache/load-cache.js';
import { formatProblem } from '../../harness/scenario/problems.js';
import { readSourceBytes } from '../../harness/scenario/yaml/read-source.js';

const DAY_MS = 86_400_000;

/** the cache's entries, one per file (the build lists are beside them, in builds/) */
const entriesIn = (dir: string): string[] => readdirSync(dir).filter((name) => name.endsWith(ENTRY_SUFFIX));

/** a ref as the loader makes one for a file given directly */
const refOf = (absolute: string): ScenarioFileRef => ({ absolute, relative: absolute.split('/').at(-1)!, shown: absolute });

const cold = (ref: ScenarioFileRef): Promise<CheckedFile> => checkScenarioFile(ref, readSourceBytes(ref.absolute));

/** the check a hit must not run */
const mustHit = (): Promise<CheckedFile> => Promise.reject(new Error('a miss where a hit was due'));

/** loads through a cache, and says whether the check ran (a miss) */
async function loadVia(opts: LoadCacheOptions, ref: ScenarioFileRef): Promise<{ missed: boolean; scenarios: unknown[]; problems: string[] }> {
  const cache = new LoadCache(opts);
  let missed = false;
  const result = await cache.load(ref, readSourceBytes(ref.absolute).bytes, () => { missed = true; return cold(ref); });
  await cache.settled();
  return { missed, scenarios: result.scenarios, problems: result.problems.map(formatProblem) };
}

describe('load cache', function () {
  this.timeout(60_000);
  let dir: string;
  let cacheDir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tlsgate-load-cache-'));
    cacheDir = join(dir, 'cache', 'loaded');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('every catalogue file: the warm result deep-equals a cold load with no cache', async () => {
    const { files } = findScenarioFiles([builtinScenariosDir()]);
    expect(files.length).to.be.above(30);
    for (const ref of files) {
      const fresh = await cold(ref);
      expect(fresh.problems.map(formatProblem), ref.relative).to.deep.equal([]);
      const bytes = readSourceBytes(ref.absolute).bytes;
      const writer = new LoadCache({ dir: cacheDir });
      await writer.load(ref, bytes, () => cold(ref));
      await writer.settled();
      const warm = await new LoadCache({ dir: cacheDir }).load(ref, bytes, mustHit);
      expect(warm.scenarios, ref.relative).to.deep.equal(fresh.scenarios);
    }
    expect(entriesIn(cacheDir)).to.have.length(files.length);
    expect(readdirSync(join(cacheDir, BUILDS_FOLDER)), 'one list of files per build').to.have.length(1);
  });

  it('loadCatalogue: the catalogue warm equals the catalogue with the cache bypassed, in order', async () => {
    const cache = () => new LoadCache({ dir: cacheDir });
    const bypassed = await loadCatalogue([builtinScenariosDir()], { cache: null });
    await loadCatalogue([builtinScenariosDir()], { cache: cache() });
    const warm = await loadCatalogue([builtinScenariosDir()], { cache: cache() });
    expect(warm).to.deep.equal(bypassed);
    expect(bypassed.scenarios.length).to.be.above(300);
  });

  it('an edited scenario file loads its new content', async () => {
    const file = join(dir, 'edit.yaml');
    const write = (name: string) => writeFileSync(file, [
      'pki: { certs: [{ id: root, role: root, subject: "CN=r" }, { id: leaf, role: server, issuer: root, subject: "CN=localhost", san: { dns: [localhost] } }] }',
      'scenarios:', `  - { name: "${name}", server: { cert: leaf }, expect: { outcome: accept } }`, '',
    ].join('\n'));
    const names = async () => (await loadCatalogue([file], { cache: new LoadCache({ dir: cacheDir }) })).scenarios.map((s) => s.name);
    write('first');
    expect(await names()).to.deep.equal(['first']);
    write('frist'); // the same size
    expect(await names()).to.deep.equal(['frist']);
    expect((await loadVia({ dir: cacheDir }, refOf(file))).missed).to.equal(false);
  });

  describe('a file with pki.files', () => {
    let yaml: string;
    let ref: ScenarioFileRef;
    let pki: Awaited<ReturnType<typeof issuePki>>;
    beforeEach(async () => {
      pki = await issuePki({ certs: [
        { id: 'root', role: 'root', subject: 'CN=load cache root' },
        { id: 'leaf', role: 'server', issuer: 'root', subject: 'CN=localhost', san: { dns: ['localhost'] } },
        { id: 'other', role: 'server', issuer: 'root', subject: 'CN=other', san: { dns: ['localhost'] } },
      ] }, { cacheDir: join(dir, 'certs') });
      mkdirSync(join(dir, 'pem'));
      writeFileSync(join(dir, 'pem', 'root.pem'), pki.get('root').pem);
      writeFileSync(join(dir, 'pem', 'leaf.pem'), pki.get('leaf').pem);
      writeFileSync(join(dir, 'pem', 'leaf.key'), pki.get('leaf').keyPem, { mode: 0o600 });
      yaml = join(dir, 'files.yaml');
      writeFileSync(yaml, [
        'pki:',
        '  files:',
        '    root: { cert: pem/root.pem }',
        '    leaf: { cert: pem/leaf.pem, key: pem/leaf.key }',
        'scenarios:',
        '  - { name: own chain, server: { cert: leaf }, client: { trust: [root] }, expect: { outcome: accept } }',
        '',
      ].join('\n'));
      ref = refOf(yaml);
    });

    it('is taken again while the PEM files stay the same; the entry is 0600', async () => {
      expect(await loadVia({ dir: cacheDir }, ref)).to.include({ missed: true });
      const warm = await loadVia({ dir: cacheDir }, ref);
      expect(warm.missed).to.equal(false);
      expect(warm.scenarios).to.deep.equal((await cold(ref)).scenarios);
      const [entry] = entriesIn(cacheDir);
      expect(statSync(join(cacheDir, entry!)).mode & 0o777).to.equal(0o600);
    });

    it('a referenced PEM file replaced is read again: a broken one gives its problem at file:line, a mended one loads', async () => {
      await loadVia({ dir: cacheDir }, ref);
      writeFileSync(join(dir, 'pem', 'leaf.pem'), '-----BEGIN CERTIFICATE-----\nMIIBbroken\n-----END CERTIFICATE-----\n');
      const broken = await loadVia({ dir: cacheDir }, ref);
      expect(broken.missed).to.equal(true);
      expect(broken.problems).to.have.length(1);
      expect(broken.problems[0]).to.match(new RegExp(`^${yaml}:4:\\d+  pki\\.files\\.leaf\\.cert  pem/leaf\\.pem does not hold a valid certificate`));
      expect(await loadVia({ dir: cacheDir }, ref), 'a file with problems is not kept').to.include({ missed: true });

      writeFileSync(join(dir, 'pem', 'leaf.pem'), pki.get('other').pem); // a valid certificate, but not the key's
      expect((await loadVia({ dir: cacheDir }, ref)).problems).to.deep.equal([
        `${yaml}:4:38  pki.files.leaf.key  pem/leaf.key is not the key of pem/leaf.pem  (give the key file of this certificate (compare \`openssl x509 -noout -pubkey\` with \`openssl pkey -pubout\`))`,
      ]);
      writeFileSync(join(dir, 'pem', 'leaf.pem'), pki.get('leaf').pem);
      expect(await loadVia({ dir: cacheDir }, ref)).to.include({ missed: false }); // the same bytes as the entry was made from
    });

    it('a PEM file replaced by a FIFO is a miss and its problem, never a read that waits for a writer', async () => {
      await loadVia({ dir: cacheDir }, ref);
      rmSync(join(dir, 'pem', 'leaf.key'));
      execFileSync('mkfifo', [join(dir, 'pem', 'leaf.key')]);
      const fifo = await loadVia({ dir: cacheDir }, ref);
      expect(fifo.missed).to.equal(true);
      expect(fifo.problems.join('\n')).to.include('pki.files.leaf.key  pem/leaf.key is not a file');
    });

    it('a PEM file that is gone is a miss, and its problem', async () => {
      await loadVia({ dir: cacheDir }, ref);
      rmSync(join(dir, 'pem', 'leaf.key'));
      const gone = await loadVia({ dir: cacheDir }, ref);
      expect(gone.missed).to.equal(true);
      expect(gone.problems.join('\n')).to.include('pki.files.leaf.key  pem/leaf.key: file not found');
    });
  });

  it('a truncated, corrupt, empty or foreign entry (or build list) is a miss, gives the right result, and is written again', async () => {
    const a = join(dir, 'a.yaml');
    const b = join(dir, 'b.yaml');
    const text = (name: string) => `pki: { certs: [{ id: root, role: root, subject: "CN=r" }] }\nscenarios:\n  - { name: ${name}, server: { cert: root }, expect: { outcome: accept } }\n`;
    writeFileSync(a, text('a'));
    writeFileSync(b, text('b'));
    await loadVia({ dir: cacheDir }, refOf(b));
    const [bEntry] = entriesIn(cacheDir);
    await loadVia({ dir: cacheDir }, refOf(a));
    const aEntry = join(cacheDir, entriesIn(cacheDir).find((name) => name !== bEntry)!);
    const good = readFileSync(aEntry);
    const damages: Record<string, Buffer> = {
      truncated: good.subarray(0, good.length - 7),
      // a byte that still deserializes, to another subject: only the entry's digest tells
      'a changed byte': Buffer.from(good.map((byte, i) => (i === good.lastIndexOf('CN=r') + 3 ? 's'.charCodeAt(0) : byte))),
      empty: Buffer.alloc(0),
      garbage: Buffer.from('not an entry at all'),
      "another file's entry": readFileSync(join(cacheDir, bEntry!)),
    };
    const expected = (await cold(refOf(a))).scenarios;
    for (const [damage, bytes] of Object.entries(damages)) {
      writeFileSync(aEntry, bytes);
      const r = await loadVia({ dir: cacheDir }, refOf(a));
      expect(r, damage).to.deep.include({ missed: true, problems: [] });
      expect(r.scenarios, damage).to.deep.equal(expected);
      expect(await loadVia({ dir: cacheDir }, refOf(a)), `${damage}: written again`).to.include({ missed: false });
    }
    // the build's list of files: another list (its identity is not the entries'), or none
    const [list] = readdirSync(join(cacheDir, BUILDS_FOLDER));
    for (const damage of [JSON.stringify(['/no/such/module.js']), 'not json']) {
      writeFileSync(join(cacheDir, BUILDS_FOLDER, list!), damage);
      expect(await loadVia({ dir: cacheDir }, refOf(a)), damage).to.deep.include({ missed: true, problems: [], scenarios: expected });
      expect(await loadVia({ dir: cacheDir }, refOf(b)), `${damage}: written again`).to.include({ missed: false });
    }
  });

  it('a cache folder that cannot be written: the file still loads, and the debug line says why, once', async () => {
    const notAFolder = join(dir, 'file');
    writeFileSync(notAFolder, '');
    const told: string[] = [];
    const opts = { dir: join(notAFolder, 'loaded'), debug: (m: string) => told.push(m) };
    const files = (findScenarioFiles([join(builtinScenariosDir(), 'chain')])).files;
    const cache = new LoadCache(opts);
    const warm = await loadCatalogue(files.map((f) => f.absolute), { cache });
    const bypassed = await loadCatalogue(files.map((f) => f.absolute), { cache: null });
    expect(warm).to.deep.equal(bypassed);
    expect(warm.problems).to.deep.equal([]);
    expect(told).to.have.length(1);
    expect(told[0]).to.match(/^tlsgate: load cache .*file\/loaded not written: .*ENOTDIR/);
  });

  it('another build identity is a miss', async () => {
    const file = join(builtinScenariosDir(), 'chain', 'self-signed.yaml');
    expect(await loadVia({ dir: cacheDir, identityOf: () => 'build A' }, refOf(file))).to.include({ missed: true });
    expect(await loadVia({ dir: cacheDir, identityOf: () => 'build A' }, refOf(file))).to.include({ missed: false });
    expect(await loadVia({ dir: cacheDir, identityOf: () => 'build B' }, refOf(file))).to.include({ missed: true });
  });

  it('the build identity changes when a listed file is rewritten, replaced or removed, and with nothing else', () => {
    const files = ['a.js', 'b.js'].map((name) => join(dir, name));
    for (const f of files) writeFileSync(f, 'export {};\n');
    const past = new Date(Date.now() - DAY_MS);
    for (const f of files) utimesSync(f, past, past);
    const first = currentBuildIdentity(files);
    expect(currentBuildIdentity(files)).to.equal(first);
    writeFileSync(files[1]!, 'export {};\n'); // the same bytes, written again (tsc's rebuild)
    const rewritten = currentBuildIdentity(files);
    expect(rewritten).to.not.equal(first);
    rmSync(files[0]!);
    expect(currentBuildIdentity(files)).to.not.equal(rewritten);
  });

  it('the clock: a window of a relative and an absolute time is checked again at the time of use', async () => {
    const file = join(dir, 'window.yaml');
    const soon = new Date(Date.now() + 2 * DAY_MS).toISOString().slice(0, 10);
    writeFileSync(file, `pki: { certs: [{ id: root, role: root, subject: "CN=r", validity: { notBefore: -1d, notAfter: "${soon}" } }] }\nscenarios:\n  - { name: w, server: { cert: root }, expect: { outcome: accept } }\n`);
    const at = (ms: number) => () => new Date(Date.now() + ms);
    expect(await loadVia({ dir: cacheDir, now: at(0) }, refOf(file))).to.include({ missed: true });
    expect(await loadVia({ dir: cacheDir, now: at(3_600_000) }, refOf(file))).to.include({ missed: false });
    // four days on, notBefore (-1d) is after notAfter: the entry no longer holds
    expect(await loadVia({ dir: cacheDir, now: at(4 * DAY_MS) }, refOf(file))).to.include({ missed: true });
  });

  it('a file whose check imports a driver module (user code) is never kept', async () => {
    writeFileSync(join(dir, 'my-driver.mjs'), 'export default { name: "mine", connect: async () => { throw new Error("unused"); }, info: () => ({}) };\n');
    const file = join(dir, 'driver.yaml');
    writeFileSync(file, 'pki: { certs: [{ id: root, role: root, subject: "CN=r" }] }\nscenarios:\n  - { name: d, server: { cert: root }, client: { driver: ./my-driver.mjs }, expect: { outcome: accept } }\n');
    const first = await loadVia({ dir: cacheDir }, refOf(file));
    expect(first).to.deep.include({ missed: true, problems: [] });
    expect(await loadVia({ dir: cacheDir }, refOf(file))).to.include({ missed: true });
  });

  it('TLSGATE_NO_LOAD_CACHE=1 turns it off', () => {
    expect(defaultLoadCache(cacheDir, { TLSGATE_NO_LOAD_CACHE: '1' })).to.equal(undefined);
    expect(defaultLoadCache(cacheDir, {})).to.be.instanceOf(LoadCache);
  });
});
