/**
 * The real matrix: Node 18, 20 and 22 from the npm registry (installed into the cache on first
 * use), the whole catalogue, through the CLI. Slow and needs the registry, so only with
 * TLSGATE_MATRIX=1.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { thisNode } from '../../harness/drivers/remote/remote-placement.js';
import type { MatrixJson } from '../../harness/matrix/report.js';
import { defaultNodeCache } from '../../harness/matrix/node-cache.js';
import { parseNodeRequests } from '../../harness/matrix/node-request.js';
import { resolveNodes } from '../../harness/matrix/node-resolve.js';
import { runMatrix } from '../../harness/matrix/run-matrix.js';
import { builtinScenariosDir } from '../../harness/model/paths.js';
import { loadScenarios } from '../../harness/scenario/load.js';
import { ROOT, tlsgate } from '../cli/spawn.js';

const enabled = process.env.TLSGATE_MATRIX === '1';
const title = 'tlsgate matrix on real Node 18, 20 and 22';

(enabled ? describe : describe.skip)(enabled ? title : `${title} (SKIPPED unless TLSGATE_MATRIX=1: downloads Node packages)`, function () {
  this.timeout(600_000);
  let dir: string;
  const cache = process.env.TLSGATE_NODE_CACHE || defaultNodeCache(ROOT);
  before(() => { dir = mkdtempSync(join(tmpdir(), 'tlsgate-matrix-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const matrix = async (nodes: string, name: string) => {
    const json = join(dir, `${name}.json`);
    const started = performance.now();
    const r = await tlsgate(['matrix', '--node', nodes, '--certs', join(dir, 'certs'), '--json', json, '--drift-markdown', join(dir, `${name}.md`)], { env: { TLSGATE_NODE_CACHE: cache } });
    const ms = performance.now() - started;
    expect(r.code, r.stderr).to.be.oneOf([0, 1]);
    return { ms, doc: JSON.parse(readFileSync(json, 'utf8')) as MatrixJson, stdout: r.stdout };
  };

  it('runs the catalogue on each, side by side, in well under twice the time of one', async () => {
    await matrix('18,20,22', 'warm-up'); // installs into the cache on first use, warms the material cache
    const one = await matrix('20', 'one');
    const three = await matrix('18,20,22', 'three');
    process.stdout.write(`      one runtime: ${Math.round(one.ms)} ms, three runtimes: ${Math.round(three.ms)} ms (${(three.ms / one.ms).toFixed(2)}x)\n`);
    expect(three.doc.runtimes.map((r) => r.node.split('.')[0])).to.deep.equal(['18', '20', '22']);
    expect(three.ms).to.be.below(2 * one.ms);
    const total = Object.keys(three.doc.runtimes[1]!.baseline.scenarios).length;
    for (const r of three.doc.runtimes) expect(Object.keys(r.baseline.scenarios)).to.have.length(total);
    expect(three.doc.drift.map((d) => `${d.from} -> ${d.to}`)).to.have.length(2);
    expect(three.stdout).to.match(/drift against node 18\.\d+\.\d+ -> node 20\.\d+\.\d+/);
  });

  it('the same version twice gives an empty drift over the whole catalogue', async () => {
    const twice = await matrix('20,20', 'twice');
    expect(twice.doc.drift).to.have.length(1);
    expect(twice.doc.drift[0]!.changes).to.deep.equal([]);
  });

  it("a scenario's stacks override is selected by the worker's Node, not the harness's: passes on 22, fails on this Node", async () => {
    const [node22] = await resolveNodes(parseNodeRequests(['22']), { cacheDir: cache });
    const file = join(dir, 'stacks.yaml');
    writeFileSync(file, `pki:
  certs:
    - { id: root, role: root, subject: "CN=stacks matrix root" }
    - { id: leaf, role: server, issuer: root, subject: "CN=localhost", san: { dns: [localhost] } }
scenarios:
  - name: refused only where the override says so
    server: { cert: leaf }
    client: { servername: example.com }
    expect: { outcome: accept }
    stacks:
      - when: { node: ">=22" }
        expect: { outcome: reject, category: hostname-mismatch, side: client }
        because: "test: selected by the worker's Node"
`);
    const { scenarios } = await loadScenarios([file]);
    const runtime = (label: string, version: string, openssl: string, execPath: string) => ({ label, version, openssl, spec: { ...thisNode(), label, execPath } });
    const runtimes = [runtime(`node ${node22!.version}`, node22!.version, node22!.openssl, node22!.execPath), runtime(`node ${process.versions.node}`, process.versions.node, process.versions.openssl, process.execPath)];
    const outcome = await runMatrix(scenarios, runtimes, { certsDir: join(dir, 'certs'), timeoutMs: 5000, concurrency: 2, signal: new AbortController().signal });
    expect(outcome.runs.map((run) => run.results[0]!.verdict.status)).to.deep.equal(['passed', 'failed']);
  });

  it('undici 7 scenarios on Node 18 end skipped, naming why', async () => {
    const [node18] = await resolveNodes(parseNodeRequests(['18']), { cacheDir: cache });
    const { scenarios } = await loadScenarios([join(builtinScenariosDir(), 'hostname', 'drivers.yaml')]);
    const undici = scenarios.filter((s) => s.client.driver === 'undici');
    const runtime = { label: `node ${node18!.version}`, version: node18!.version, openssl: node18!.openssl, spec: { ...thisNode(), label: 'node 18', execPath: node18!.execPath } };
    const outcome = await runMatrix(undici, [runtime], { certsDir: join(dir, 'certs'), timeoutMs: 5000, concurrency: 2, signal: new AbortController().signal });
    expect(undici.length).to.be.above(0);
    for (const r of outcome.runs[0]!.results) {
      expect(r.verdict.status, r.scenario.name).to.equal('skipped');
      expect((r.verdict as { reason: string }).reason).to.match(/^node 18: undici \d+\.\d+\.\d+ \(\w+\) requires Node >=20\.\d+\.\d+; this runtime is Node 18\.\d+\.\d+$/);
    }
  });
});
