/**
 * What every engine process loads at start (a run's own, and each worker process's): not what
 * only some scenarios need. undici (tlsgate's own revocation fetch) loads on the first fetch,
 * node-forge on the first PKCS#12 identity, the ASN.1 schemas with the first revocation check,
 * CRL file or team CA, @peculiar/x509 with the first certificate the cache lacks. The oracle is Node's CommonJS module cache in a fresh process, after importing the
 * engine, and after a scenario that fetches ran.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../cli/spawn.js';

/** CommonJS packages (pkijs and asn1js load as ES modules: test/cli/lazy-start.test.ts sees those) */
const LAZY = ['undici', 'node-forge', '@peculiar/x509', 'tsyringe', '@peculiar/asn1-schema', '@peculiar/asn1-x509'];
const dist = (...parts: string[]) => JSON.stringify(pathToFileURL(join(ROOT, 'dist', ...parts)).href);

/** the npm packages in the CommonJS cache of a fresh process that imported the engine, then ran `body` */
function packagesAfter(body: string): string[] {
  const script = [
    `const { createEngine } = await import(${dist('harness', 'session', 'engine.js')});`,
    body,
    "const { createRequire } = await import('node:module');",
    'const cache = Object.keys(createRequire(import.meta.url).cache);',
    "process.stdout.write(JSON.stringify([...new Set(cache.map((f) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(f)?.[1]).filter(Boolean))]));",
  ].join('\n');
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  expect(child.status, child.stderr).to.equal(0);
  return JSON.parse(child.stdout) as string[];
}

describe('an engine process starts without what only some scenarios need', function () {
  this.timeout(60_000);

  it('importing the engine loads none of them: no npm package at all', () => {
    const loaded = packagesAfter('void createEngine;');
    expect(loaded.filter((p) => LAZY.includes(p))).to.deep.equal([]);
    expect(loaded).to.deep.equal([]);
  });

  it('a scenario whose client fetches an OCSP answer loads undici and the ASN.1 schemas then (the same check sees them)', () => {
    const loaded = packagesAfter([
      `const { loadScenarios } = await import(${dist('harness', 'scenario', 'load.js')});`,
      `const { scenarios } = await loadScenarios([${JSON.stringify(join(ROOT, 'scenarios', 'revocation', 'ocsp.yaml'))}]);`,
      "const scenario = scenarios.find((s) => s.client.revocation?.mode === 'ocsp' && s.skip === undefined);",
      "const os = await import('node:os'); const fs = await import('node:fs'); const path = await import('node:path');",
      "const certs = fs.mkdtempSync(path.join(os.tmpdir(), 'tlsgate-engine-start-'));",
      'const engine = await createEngine({ certsDir: certs, timeoutMs: 5000 });',
      'try { await engine.run(scenario, new AbortController().signal); } finally { await engine.close(); fs.rmSync(certs, { recursive: true, force: true }); }',
    ].join('\n'));
    expect(loaded).to.include.members(['undici', '@peculiar/asn1-schema']);
  });
});
