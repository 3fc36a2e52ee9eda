/**
 * tlsgate's after-handshake checks (client.revocation: ocsp) on every kind of client driver:
 * where the driver holds the TLS socket (node-tls, axios on its https.Agent) a revoked
 * certificate is refused as revoked; where the library keeps its socket (pg, ioredis, ws), a
 * proxy agent tunnels it, or another stack's tool makes the connection (s_client, curl), the
 * check never runs, and the connection must not pass as accepted.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultCertsDir } from '../../harness/model/paths.js';
import { createEngine, type Engine } from '../../harness/session/engine.js';
import { firstObservations } from './run-yaml.js';

const REVOKED_SERVER = `
pki:
  certs:
    - { id: root, role: root, subject: "CN=tlsgate Hook Root,O=tlsgate" }
    - { id: int, role: intermediate, issuer: root, subject: "CN=tlsgate Hook Intermediate,O=tlsgate", ocsp: auto }
    - { id: revoked, role: server, issuer: int, subject: "CN=localhost", san: { dns: [localhost] }, ocsp: auto }
  revoked:
    - { cert: revoked, reason: keyCompromise }
defaults:
  server: { cert: revoked }
  client: { trust: [root], servername: localhost, revocation: { mode: ocsp, failure: hard, timeoutMs: 2000 } }
scenarios:
  - { name: axios, client: { driver: axios }, expect: { outcome: reject } }
  - { name: axios through a proxy, client: { driver: axios, proxy: {} }, expect: { outcome: reject } }
  - { name: got through a proxy, client: { driver: got, proxy: {} }, expect: { outcome: reject } }
  - { name: pg, server: { driver: postgres }, client: { driver: pg }, expect: { outcome: reject } }
  - { name: ioredis, server: { driver: redis }, client: { driver: ioredis }, expect: { outcome: reject } }
  - { name: ws, server: { driver: ws-echo }, client: { driver: ws }, expect: { outcome: reject } }
  - { name: openssl-s_client, client: { driver: openssl-s_client }, expect: { outcome: reject } }
  - { name: curl, client: { driver: curl }, expect: { outcome: reject } }
  - { name: node-tls, client: { driver: node-tls }, expect: { outcome: reject } }
`;

describe('library drivers: tlsgate\'s after-handshake checks run, or the connection is not accepted', function () {
  this.timeout(60_000);
  let dir: string;
  let engine: Engine;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tlsgate-library-hooks-'));
    engine = await createEngine({ certsDir: defaultCertsDir(), timeoutMs: 5000 });
  });
  after(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a revoked server is refused as revoked by axios, and as a configuration error where the check cannot run', async () => {
    const seen = await firstObservations(engine, dir, 'revoked.yaml', REVOKED_SERVER);
    expect(seen).to.deep.equal({
      'axios': 'rejected TLSGATE_OCSP_REVOKED',
      'axios through a proxy': 'rejected TLSGATE_CONFIG_ERROR',
      'got through a proxy': 'rejected TLSGATE_CONFIG_ERROR',
      'pg': 'rejected TLSGATE_CONFIG_ERROR',
      'ioredis': 'rejected TLSGATE_CONFIG_ERROR',
      'ws': 'rejected TLSGATE_CONFIG_ERROR',
      'openssl-s_client': 'rejected TLSGATE_CONFIG_ERROR',
      'curl': 'rejected TLSGATE_CONFIG_ERROR',
      'node-tls': 'rejected TLSGATE_OCSP_REVOKED',
    });
  });
});
