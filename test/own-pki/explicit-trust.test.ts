/**
 * With `pki.files`, trust is what the scenario names, never what the server sends: a root the
 * server presents (and that sits among the files) is not an anchor unless `client.trust` names
 * it. Real handshakes through the engine, and `tlsgate validate` for the missing-trust error.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issuePki } from '../../ca/issue/factory.js';
import { createEngine } from '../../harness/session/engine.js';
import { loadScenarios } from '../../harness/scenario/load.js';
import { tlsgate } from '../cli/spawn.js';

const FILES = `
pki:
  files:
    root: { cert: root.pem }
    int: { cert: int.pem }
    leaf: { cert: leaf.pem, key: leaf.key }
    other-root: { cert: other-root.pem }
defaults:
  server: { cert: leaf, chain: [int, root] }
  client: { servername: localhost }
scenarios:
  - name: the server sends its root; the client trusts another
    client: { trust: [other-root] }
    expect: { outcome: reject, category: untrusted-root, side: client }
  - name: the server sends its root; the client names it
    client: { trust: [root] }
    expect: { outcome: accept }
`;

describe('pki.files: trust is explicit (a root the server sends is never an anchor unless named)', function () {
  this.timeout(60_000);
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tlsgate-explicit-trust-'));
    const m = await issuePki({
      certs: [
        { id: 'root', role: 'root', subject: 'CN=Team Root' },
        { id: 'int', role: 'intermediate', issuer: 'root', subject: 'CN=Team Int' },
        { id: 'leaf', role: 'server', issuer: 'int', subject: 'CN=localhost', san: { dns: ['localhost'] } },
        { id: 'other-root', role: 'root', subject: 'CN=Somebody Else Root' },
      ],
    });
    for (const id of ['root', 'int', 'leaf', 'other-root']) writeFileSync(join(dir, `${id}.pem`), m.get(id).pem);
    writeFileSync(join(dir, 'leaf.key'), m.get('leaf').keyPem, { mode: 0o600 });
    writeFileSync(join(dir, 'trust.yaml'), FILES);
    // the same file with no trust anywhere: this is what used to trust the root the server sent
    writeFileSync(join(dir, 'no-trust.yaml'), FILES.replace(/\n {4}client: \{ trust: \[[a-z-]+\] \}/g, ''));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('an unnamed root the server sends is refused; naming it as the anchor accepts (real handshakes)', async () => {
    const { scenarios, problems } = await loadScenarios([join(dir, 'trust.yaml')]);
    expect(problems).to.deep.equal([]);
    const engine = await createEngine({ certsDir: join(dir, 'certs'), timeoutMs: 5000 });
    try {
      const results = await Promise.all(scenarios.map((s) => engine.run(s, new AbortController().signal)));
      expect(results.map((r) => [r.scenario.name, r.verdict.status, r.observations[0]?.code])).to.deep.equal([
        ['the server sends its root; the client trusts another', 'passed', 'SELF_SIGNED_CERT_IN_CHAIN'],
        ['the server sends its root; the client names it', 'passed', undefined],
      ]);
    } finally {
      await engine.close();
    }
  });

  it('no client.trust with a files server certificate: `tlsgate validate` exits 2 with file:line and what to write', async () => {
    const r = await tlsgate(['validate', join(dir, 'no-trust.yaml')]);
    expect(r.code, r.stderr + r.stdout).to.equal(2);
    const lines = (r.stderr + r.stdout).split('\n').filter((l) => l.includes('client.trust is missing'));
    expect(lines).to.have.length(2);
    expect(lines[0]).to.match(/no-trust\.yaml:\d+:\d+ {2}scenarios\[0\]\.client\.trust {2}client\.trust is missing: the server certificate 'leaf' comes from pki\.files/);
    expect(lines[0]).to.include('e.g. trust: [<id of your root>]');
  });
});
