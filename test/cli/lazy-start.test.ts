/**
 * `tlsgate list` reads the whole built-in catalogue (library scenarios with client.library,
 * files with pki.files) without loading the heavy modules only a run or a team's files need:
 * no library driver's npm package, no TypeBox (the schemas are compiled at build time), no
 * X.509/CRL parser. A resolve hook in the child records every module it imports.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, start } from './spawn.js';

const HEAVY = ['typebox', 'pkijs', 'asn1js', '@peculiar/x509', 'axios', 'got', 'node-fetch', 'ws', '@grpc/grpc-js', 'pg', 'mysql2', 'ioredis', 'nodemailer', 'undici'];

describe('tlsgate list starts without heavy modules', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tlsgate-lazy-'));
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('loads none of the library packages, TypeBox or the X.509 parsers, and still lists the library scenarios', async () => {
    const hook = join(dir, 'log-imports.mjs');
    const resolveHook = 'import { writeSync } from "node:fs"; export async function resolve(s, c, n) { const r = await n(s, c); writeSync(2, "IMPORTED " + r.url + "\\n"); return r; }';
    writeFileSync(hook, `import { register } from 'node:module';\nregister('data:text/javascript,' + encodeURIComponent(${JSON.stringify(resolveHook)}));\n`);
    const r = await start(['--import', hook, ...CLI, 'list']).done;
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.include('libraries/pg.yaml').and.include('libraries/grpc-js.yaml');
    const packages = new Set([...r.stderr.matchAll(/^IMPORTED .*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)].map((m) => m[1]!));
    expect(packages.size).to.be.greaterThan(0); // the hook saw the imports (yargs, yaml)
    expect(HEAVY.filter((name) => packages.has(name))).to.deep.equal([]);
  });
});
