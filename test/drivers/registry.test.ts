import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getClientDriver, getServerDriver, isModulePath, listDrivers } from '../../harness/drivers/portable/registry.js';
import { createUndiciClient } from '../../harness/drivers/portable/node/undici-client.js';
import type { HandshakeFacts } from '../../harness/drivers/portable/types.js';
import { readmeExample, run } from './helpers.js';
import { testPki } from './openssl-pki.js';


async function expectRejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('driver registry', function () {
  this.timeout(60_000);
  let dir: string;

  before(() => {
    testPki();
    dir = mkdtempSync(join(tmpdir(), 'tlsgate-h4-registry-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lists the built-in drivers and finds them by name', async () => {
    expect(listDrivers()).to.deep.equal({
      client: ['node-tls', 'node-https', 'undici', 'openssl-s_client', 'gnutls-cli', 'curl'],
      server: ['node-tls', 'openssl-s_server', 'gnutls-serv', 'postgres', 'mysql', 'redis', 'smtp', 'smtps'],
    });
    expect((await getClientDriver('curl')).name).to.equal('curl');
    expect((await getServerDriver('gnutls-serv')).name).to.equal('gnutls-serv');
    expect((await getClientDriver('undici')).name).to.equal('undici');
    expect((await getServerDriver('node-tls')).name).to.equal('node-tls');
  });

  it('an unknown name is an error that lists the known drivers', async () => {
    const client = await expectRejection(getClientDriver('wget'));
    expect(client.message).to.equal(
      "unknown client driver 'wget'. Known client drivers: node-tls, node-https, undici, openssl-s_client, gnutls-cli, curl; "
      + 'or give a path to a module (./my-driver.mjs) whose default export is a ClientDriver',
    );
    const server = await expectRejection(getServerDriver('nginx'));
    expect(server.message).to.match(/unknown server driver 'nginx'\. Known server drivers: node-tls, openssl-s_server, gnutls-serv, postgres, mysql, redis, smtp, smtps;/);
  });

  it('tells module paths from names', () => {
    for (const p of ['./d.mjs', '../d.js', '/abs/d', 'd.js', 'd.mjs']) expect(isModulePath(p), p).to.equal(true);
    for (const p of ['node-tls', 'undici', 'curl']) expect(isModulePath(p), p).to.equal(false);
  });

  it('loads the README example driver from a relative path and it passes real handshakes', async () => {
    writeFileSync(join(dir, 'my-tls-driver.mjs'), readmeExample());
    const driver = await getClientDriver('./my-tls-driver.mjs', dir);
    expect(await driver.info()).to.include({ name: 'my-tls', source: 'example' });
    const good = await run(driver);
    expect(good.obs).to.include({ outcome: 'accepted', protocol: 'TLSv1.3' });
    const bad = await run(driver, {}, { servername: 'example.com' });
    expect(bad.obs).to.include({ outcome: 'rejected', code: 'ERR_TLS_CERT_ALTNAME_INVALID', category: 'hostname-mismatch', side: 'client' });
    let seen: HandshakeFacts | undefined;
    const refused = await run(driver, {}, {}, { client: { afterHandshake: async (f) => ((seen = f), { allow: false, code: 'TLSGATE_REVOKED', message: 'no' }) } });
    expect(refused.obs).to.include({ outcome: 'rejected', category: 'revoked' });
    expect(refused.server.bytesReceived).to.equal(0);
    expect(seen?.peerChainDer[0]?.equals(testPki().cert('server').der)).to.equal(true);
  });

  it('a module whose default export is not a driver is a clear error', async () => {
    writeFileSync(join(dir, 'not-a-driver.mjs'), 'export default { hello: 1 };\n');
    const err = await expectRejection(getClientDriver(join(dir, 'not-a-driver.mjs')));
    expect(err.message).to.match(/its default export is not a client driver \(needs a string `name` and connect\(plan, hooks, signal\) and info\(\)\)/);
    const missing = await expectRejection(getServerDriver('./nowhere.mjs', dir));
    expect(missing.message).to.match(/driver module .*nowhere\.mjs could not be loaded/);
  });
});

describe('undici driver: which undici', function () {
  this.timeout(60_000);
  let project: string;

  before(() => {
    testPki();
    // a project whose node_modules/undici is a distinct package (a shim over tlsgate's copy)
    project = realpathSync(mkdtempSync(join(tmpdir(), 'tlsgate-h4-project-')));
    const pkg = join(project, 'node_modules', 'undici');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(project, 'package.json'), '{ "name": "user-project", "version": "1.0.0" }\n');
    writeFileSync(join(pkg, 'package.json'), '{ "name": "undici", "version": "7.0.0-project", "main": "index.js" }\n');
    const real = createRequire(import.meta.url).resolve('undici');
    writeFileSync(join(pkg, 'index.js'), `module.exports = require(${JSON.stringify(real)});\n`);
  });
  after(() => rmSync(project, { recursive: true, force: true }));

  it("uses the project's undici when the working directory resolves one, and says so", async () => {
    const driver = createUndiciClient({ cwd: project });
    expect(await driver.info()).to.deep.equal({ name: 'undici', version: 'undici 7.0.0-project', source: 'project' });
    const r = await run(driver);
    expect(r.obs.outcome, r.obs.message).to.equal('accepted');
  });

  it("falls back to tlsgate's own undici", async () => {
    const empty = mkdtempSync(join(tmpdir(), 'tlsgate-h4-empty-'));
    try {
      const own = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('undici/package.json'), 'utf8')) as { version: string };
      expect(await createUndiciClient({ cwd: empty }).info()).to.deep.equal({ name: 'undici', version: `undici ${own.version}`, source: 'tlsgate' });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
