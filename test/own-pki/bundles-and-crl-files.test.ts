/**
 * pki.files bundles and CRL files: a fullchain file's certificates are `<id>`, `<id>#2`…; an id
 * past its end, a CRL file that is not one and a CRL no files CA signed each get their own
 * message; a DER CRL and a PEM file of several CRLs load.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { issuePki } from '../../ca/issue/factory.js';
import { createEngine } from '../../harness/session/engine.js';
import { loadScenarios } from '../../harness/scenario/load.js';
import { formatProblem } from '../../harness/scenario/problems.js';
import { makeOpensslPki } from './openssl-made-pki.js';

describe('pki.files: bundles and CRL files', function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    dir = await makeOpensslPki();
    const other = await issuePki({ certs: [{ id: 'r', role: 'root', subject: 'CN=Other Root' }, { id: 'i', role: 'intermediate', issuer: 'r', subject: 'CN=Other Int' }, { id: 'l', role: 'server', issuer: 'i', subject: 'CN=localhost', san: { dns: ['localhost'] } }] });
    writeFileSync(join(dir, 'full.pem'), other.get('l').pem + other.get('i').pem);
    writeFileSync(join(dir, 'full.key'), other.get('l').keyPem, { mode: 0o600 });
    writeFileSync(join(dir, 'other-root.pem'), other.get('r').pem);
    execFileSync('openssl', ['crl', '-in', 'root.crl', '-outform', 'der', '-out', 'root.crl.der'], { cwd: dir });
    // a PEM file of several CRLs (`cat` of two)
    writeFileSync(join(dir, 'two.crl'), readFileSync(join(dir, 'root.crl'), 'utf8') + readFileSync(join(dir, 'root.crl'), 'utf8'));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a fullchain bundle: full is the leaf, full#2 the intermediate it sends (real handshake)', async () => {
    writeFileSync(join(dir, 'bundle.yaml'), [
      'pki:', '  files:', '    full: { cert: full.pem, key: full.key }', '    other-root: { cert: other-root.pem }',
      'scenarios:',
      '  - name: bundle', '    server: { cert: full, chain: ["full#2"] }', '    client: { trust: [other-root] }', '    expect: { outcome: accept }',
      '  - name: leaf alone', '    server: { cert: full, chain: [] }', '    client: { trust: [other-root] }', '    expect: { outcome: reject, category: incomplete-chain }',
      '',
    ].join('\n'));
    const { scenarios, problems } = await loadScenarios([join(dir, 'bundle.yaml')]);
    expect(problems).to.deep.equal([]);
    const engine = await createEngine({ certsDir: join(dir, 'certs'), timeoutMs: 5000 });
    try {
      for (const s of scenarios) expect((await engine.run(s, new AbortController().signal)).verdict, s.name).to.deep.equal({ status: 'passed' });
    } finally {
      await engine.close();
    }
  });

  it('a DER CRL and a PEM file of several CRLs load; a bundle index past the end and a certificate given as a CRL are problems', async () => {
    writeFileSync(join(dir, 'crls.yaml'), [
      'pki:', '  files:', '    root: { cert: root.pem, crl: root.crl.der }', '    more: { crl: two.crl }', '    full: { cert: full.pem, key: full.key }', '    wrong: { crl: full.pem }',
      'scenarios:', '  - name: past the end', '    server: { cert: full, chain: ["full#3"] }', '    client: { trust: [root] }', '    expect: { outcome: accept }', '',
    ].join('\n'));
    const { problems } = await loadScenarios([join(dir, 'crls.yaml')]);
    expect(problems.map((p) => formatProblem(p).replace(`${dir}/`, ''))).to.deep.equal([
      'crls.yaml:6:19  pki.files.wrong.crl  full.pem is not a CRL file: it holds a certificate, not a CRL (give it with cert:)  (give a CRL as `openssl ca -gencrl` writes it (PEM, several blocks allowed) or DER (`openssl crl -outform der`))',
      `crls.yaml:9:35  scenarios[0].server.chain[0]  'full' holds 2 certificates, so 'full#3' names none  (a bundle's certificates are full, full#2, in file order)`,
    ]);
  });
});
