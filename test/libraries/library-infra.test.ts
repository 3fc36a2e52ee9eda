/**
 * The library-driver infrastructure: which copy of a library runs (override folder, the
 * project's, tlsgate's own), a missing library skips its scenario naming the package, and
 * `client.library` / `client.proxy` are checked per driver at file:line (exit 2).
 */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { entryOf, locateLibrary, resolveLibrary } from '../../harness/drivers/library/resolve-library.js';
import { LibraryUnavailable } from '../../harness/drivers/library/library-unavailable.js';
import { localPlacement } from '../../harness/drivers/remote/remote-placement.js';
import { builtinScenariosDir, defaultCertsDir } from '../../harness/model/paths.js';
import { createEngine } from '../../harness/session/engine.js';
import { loadScenarios } from '../../harness/scenario/load.js';
import { tlsgate } from '../cli/spawn.js';

function fakePackage(root: string, name: string, version: string, marker: string): void {
  const dir = join(root, 'node_modules', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version, main: 'main.cjs' }));
  writeFileSync(join(dir, 'main.cjs'), `module.exports = { marker: ${JSON.stringify(marker)} };`);
}

describe('library drivers: resolution, skipping, option checks', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'tlsgate-library-infra-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("the project's copy wins over tlsgate's own, and an override folder over both", async () => {
    const project = join(dir, 'project');
    fakePackage(project, 'axios', '0.0.1-project', 'project');
    writeFileSync(join(project, 'package.json'), '{"name":"sample"}');
    const fromProject = await resolveLibrary<{ default: { marker: string } }>('axios', { cwd: project });
    expect([fromProject.source, fromProject.version, fromProject.module.default.marker]).to.deep.equal(['project', '0.0.1-project', 'project']);

    const override = join(dir, 'override');
    fakePackage(override, 'axios', '0.0.2-override', 'override');
    const fromOverride = await resolveLibrary<{ default: { marker: string } }>('axios', { cwd: project, overrideDir: override });
    expect([fromOverride.source, fromOverride.version, fromOverride.module.default.marker]).to.deep.equal(['override', '0.0.2-override', 'override']);

    const own = locateLibrary('axios', { cwd: dir });
    expect(own?.source).to.equal('tlsgate');
    expect(own?.version).to.match(/^1\./);
  });

  it('a missing library is LibraryUnavailable naming the package; an override never falls back', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty, { recursive: true });
    const err = await resolveLibrary('left-pad-not-installed', { cwd: empty }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(LibraryUnavailable);
    expect((err as Error).message).to.match(/package left-pad-not-installed is not installed/);
    expect(locateLibrary('axios', { cwd: empty, overrideDir: empty })).to.equal(undefined);
  });

  it('entry points follow Node: exports conditions node/import/default, then main', () => {
    expect(entryOf({ exports: { '.': { browser: './b.js', import: './w.mjs', require: './i.js' } } })).to.equal('./w.mjs');
    expect(entryOf({ exports: { types: './t.d.ts', default: './d.js' } })).to.equal('./d.js');
    expect(entryOf({ exports: { '.': { default: { require: './c.cjs', default: './e.js' } } } })).to.equal('./e.js');
    expect(entryOf({ main: 'lib/main.js' })).to.equal('lib/main.js');
  });

  it('a scenario whose library is not installed is skipped, naming the package', async () => {
    const empty = join(dir, 'no-axios');
    mkdirSync(empty, { recursive: true });
    const { scenarios, problems } = await loadScenarios([join(builtinScenariosDir(), 'libraries', 'axios.yaml')]);
    expect(problems).to.deep.equal([]);
    const engine = await createEngine({ certsDir: defaultCertsDir(), timeoutMs: 5000, placement: localPlacement({ libraryDirs: { axios: empty } }) });
    try {
      const result = await engine.run(scenarios[0]!, new AbortController().signal);
      expect(result.verdict.status).to.equal('skipped');
      expect((result.verdict as { reason: string }).reason).to.match(/package axios is not installed/);
    } finally {
      await engine.close();
    }
  });

  it('client.library and client.proxy are checked per driver, at file:line, exit 2', async () => {
    const file = join(dir, 'bad-library.yaml');
    writeFileSync(file, [
      'pki:',
      '  certs:',
      '    - { id: root, role: root, subject: "CN=r" }',
      '    - { id: leaf, role: server, issuer: root, subject: "CN=localhost", san: { dns: [localhost] } }',
      'defaults:',
      '  server: { cert: leaf }',
      'scenarios:',
      '  - name: a typo in an axios option',
      '    client: { driver: axios, library: { rejectUnauthorised: false } }',
      '    expect: { outcome: accept }',
      '  - name: library options on a core driver',
      '    client: { driver: node-tls, library: { rejectUnauthorized: false } }',
      '    expect: { outcome: accept }',
      '  - name: a proxy on grpc-js',
      '    client: { driver: grpc-js, proxy: {} }',
      '    expect: { outcome: accept }',
      '  - name: a TLS proxy without its certificate',
      '    client: { driver: got, proxy: { tls: true } }',
      '    expect: { outcome: accept }',
      '',
    ].join('\n'));
    const { code, stdout, stderr } = await tlsgate(['validate', file]);
    const out = stdout + stderr;
    expect(code).to.equal(2);
    expect(out).to.match(/bad-library\.yaml:9:\d+ .*rejectUnauthorised/);
    expect(out).to.match(/bad-library\.yaml:12:\d+ .*client\.library applies to library drivers only/);
    expect(out).to.match(/bad-library\.yaml:15:\d+ .*cannot go through client\.proxy/);
    expect(out).to.match(/bad-library\.yaml:18:\d+ .*needs cert/);
  });
});
