/**
 * The engine's prepare (run before a scenario's deadline starts) makes every key the scenario's
 * generated certificates need, also where the certificates themselves must wait for run():
 * `auto` URLs name the run's revocation servers, a team's CA signs with its own key. The oracle
 * is the key folder on disk: run() after prepare adds no key to it (it generated none inside
 * the deadline), and the scenario still passes.
 */
import { expect } from 'chai';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '../../harness/session/engine.js';
import type { Scenario } from '../../harness/model/domain.js';
import { builtinScenariosDir } from '../../harness/model/paths.js';
import { loadScenarios } from '../../harness/scenario/load.js';
import { addOpensslIntermediate, makeOpensslPki } from '../own-pki/openssl-made-pki.js';

const FILES_ISSUED = `
pki:
  files:
    root: { cert: root.pem, key: root.key }
    int: { cert: int.pem, key: int.key }
  certs:
    - { id: fresh, role: server, issuer: int, key: rsa-2048, subject: "CN=fresh.acme.example", san: { dns: [fresh.acme.example] } }
scenarios:
  - name: a fresh leaf of the team's intermediate
    server: { cert: fresh }
    client: { trust: [root], servername: fresh.acme.example }
    expect: { outcome: accept }
`;

describe('engine prepare: every key is made before the deadline starts', function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => {
    dir = await makeOpensslPki();
    await addOpensslIntermediate(dir);
    writeFileSync(join(dir, 'files-issued.yaml'), FILES_ISSUED);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const scenario = async (file: string, name: string): Promise<Scenario> => {
    const { scenarios, problems } = await loadScenarios([file]);
    expect(problems).to.deep.equal([]);
    return scenarios.find((s) => s.name === name)!;
  };

  const preparedThenRun = async (s: Scenario): Promise<void> => {
    const certsDir = mkdtempSync(join(tmpdir(), 'tlsgate-prepare-'));
    const keys = () => readdirSync(join(certsDir, 'keys')).filter((f) => f.endsWith('.key')).sort();
    const engine = await createEngine({ certsDir, timeoutMs: 5000 });
    try {
      await engine.prepare(s);
      const prepared = keys();
      expect(prepared).to.not.deep.equal([]);
      const result = await engine.run(s, new AbortController().signal);
      expect(result.verdict, JSON.stringify(result.observations.map((o) => o.code))).to.deep.equal({ status: 'passed' });
      expect(keys(), 'keys run() had to generate inside the deadline').to.deep.equal(prepared);
    } finally {
      await engine.close();
      rmSync(certsDir, { recursive: true, force: true });
    }
  };

  it('certificates with `auto` revocation URLs (issued only once the run\'s servers are up)', async () => {
    await preparedThenRun(await scenario(join(builtinScenariosDir(), 'revocation', 'crl.yaml'), 'CRL good leaf'));
  });

  it('certificates a team\'s CA from pki.files signs', async () => {
    await preparedThenRun(await scenario(join(dir, 'files-issued.yaml'), 'a fresh leaf of the team\'s intermediate'));
  });
});
