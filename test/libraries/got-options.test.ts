/**
 * got's driver hands every TLS option on: the ones got names in its `https` object, the rest on
 * the agent. The oracle is Node's own https client with the same scenario: an option got's
 * `https` has no name for (allowPartialTrustChain) must change got's verdict exactly as it
 * changes node-https's.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultCertsDir } from '../../harness/model/paths.js';
import { createEngine, type Engine } from '../../harness/session/engine.js';
import { firstObservations } from './run-yaml.js';

const PARTIAL_CHAIN = `
pki:
  certs:
    - { id: root, role: root, subject: "CN=tlsgate got Root,O=tlsgate" }
    - { id: int, role: intermediate, issuer: root, subject: "CN=tlsgate got Intermediate,O=tlsgate" }
    - { id: leaf, role: server, issuer: int, subject: "CN=localhost", san: { dns: [localhost] } }
defaults:
  server: { cert: leaf }
  client: { servername: localhost, trust: [int], allowPartialTrustChain: true }
scenarios:
  - { name: node-https, client: { driver: node-https }, expect: { outcome: accept } }
  - { name: got, client: { driver: got }, expect: { outcome: accept } }
  - { name: node-https without, client: { driver: node-https, allowPartialTrustChain: false }, expect: { outcome: reject } }
  - { name: got without, client: { driver: got, allowPartialTrustChain: false }, expect: { outcome: reject } }
`;

describe('got: TLS options got has no name for still reach the connection', function () {
  this.timeout(60_000);
  let dir: string;
  let engine: Engine;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tlsgate-got-options-'));
    engine = await createEngine({ certsDir: defaultCertsDir(), timeoutMs: 5000 });
  });
  after(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('allowPartialTrustChain changes got\'s verdict as it changes node-https\'s', async () => {
    const seen = await firstObservations(engine, dir, 'partial-chain.yaml', PARTIAL_CHAIN);
    expect(seen['node-https without']).to.not.equal(seen['node-https'], 'the option changes nothing on this Node: no oracle');
    expect({ with: seen.got, without: seen['got without'] }).to.deep.equal({ with: seen['node-https'], without: seen['node-https without'] });
  });
});
