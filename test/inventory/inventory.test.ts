/** `tlsgate inventory` and what it collects, on this machine's own stack. */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gatherInventory } from '../../harness/cli/commands/inventory.js';
import { collectInventory } from '../../harness/drivers/portable/inventory/collect.js';
import { renderInventory } from '../../harness/inventory/render.js';
import { tlsgate } from '../cli/spawn.js';

describe('inventory', function () {
  this.timeout(30_000);
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'tlsgate-inventory-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('fingerprints the stack: versions, TLS defaults, what Node lists, root store, FIPS, trust environment', () => {
    const inv = collectInventory(undefined);
    expect(inv.versions).to.include({ node: process.version, openssl: process.versions.openssl, platform: `${process.platform}-${process.arch}` });
    expect(inv.defaults.minVersion).to.match(/^TLSv1(\.\d)?$/);
    expect(inv.supported.tlsCiphers).to.include('tls_aes_256_gcm_sha384');
    expect(inv.supported.curves).to.include('prime256v1');
    expect(inv.rootStore.count).to.be.above(50);
    expect(inv.rootStore.sha256).to.match(/^[0-9a-f]{64}$/);
    expect(inv.securityLevel.effective).to.equal('not probed');
    for (const [k, v] of Object.entries(inv.environment)) expect(process.env[k]).to.equal(v);
  });

  it('probes the security level with real server contexts, and stays fast once the probe certificates are cached', async () => {
    await gatherInventory(join(dir, 'certs'));
    const started = performance.now();
    const inv = await gatherInventory(join(dir, 'certs'));
    const ms = performance.now() - started;
    expect(ms, `inventory took ${ms.toFixed(0)} ms`).to.be.below(100);
    // Node 20 with OpenSSL 3.0 runs at level 1: RSA-1024 loads, RSA-512 does not
    if (process.versions.openssl.startsWith('3.0.')) {
      expect(inv.securityLevel).to.deep.include({ effective: '1', loadsRsa512: false, loadsRsa1024: true, loadsRsa2048: true, loadsSha1: false });
    }
    expect(renderInventory(inv)).to.match(/security level \(probed\) +\d/).and.match(/root store +\d+ certificates/);
  });

  it('`tlsgate inventory` prints a table, and JSON with --json', async () => {
    const [table, json] = await Promise.all([
      tlsgate(['inventory', '--certs', join(dir, 'certs')]),
      tlsgate(['inventory', '--json', '--certs', join(dir, 'certs')]),
    ]);
    expect(table.code, table.stderr).to.equal(0);
    expect(table.stdout).to.match(/^node +v\d+/m).and.match(/^tls\.DEFAULT_MIN_VERSION +TLSv1/m);
    expect(json.code, json.stderr).to.equal(0);
    expect(JSON.parse(json.stdout).versions.node).to.equal(process.version);
  });
});
