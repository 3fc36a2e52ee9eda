/**
 * The lifecycle step keys are checked like every other part of a scenario file: a wrong id, a
 * wait past the limit or an unknown connection mode is a problem at its file:line, and nothing
 * runs.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatProblem } from '../../harness/scenario/problems.js';
import { loadScenarios } from '../../harness/scenario/load.js';

const FILE = `pki:
  certs:
    - { id: root, role: root, subject: "CN=r" }
    - { id: leaf, role: server, issuer: root, subject: "CN=localhost", san: { dns: [localhost] } }
defaults:
  server: { cert: leaf }
scenarios:
  - name: bad steps
    expect: { outcome: accept }
    then:
      - rotate: { cert: leaf-2026 }
        expect: { outcome: accept }
      - retrust: [rooot]
        expect: { outcome: accept }
      - wait: 600000
        expect: { outcome: accept }
      - connection: pooled
        expect: { outcome: accept }
      - rotate: {}
        expect: { outcome: accept }
  - name: good steps
    expect: { outcome: accept }
    then:
      - { wait: 10, rotate: { cert: leaf, identity: leaf }, retrust: system, connection: reuse, expect: { outcome: accept, reused: { connection: true, session: false }, authenticatedBy: leaf } }
`;

describe('lifecycle steps in the scenario format', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'tlsgate-lifecycle-format-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('names each bad step key at its line, and accepts the good ones', async () => {
    const file = join(dir, 'steps.yaml');
    writeFileSync(file, FILE);
    const { problems } = await loadScenarios([file]);
    const lines = problems.map(formatProblem);
    const at = (line: number, text: RegExp) => expect(lines.some((l) => l.includes(`steps.yaml:${line}:`) && text.test(l)), `${line} ${text}: ${lines.join('\n')}`).to.equal(true);
    at(11, /leaf-2026/);
    at(13, /rooot/);
    at(15, /600000|maximum|60000/);
    at(17, /pooled|new|reuse/);
    at(19, /rotate/);
    expect(lines.filter((l) => /steps\.yaml:(2[0-9]|3[0-9]):/.test(l))).to.deep.equal([]);
  });
});
