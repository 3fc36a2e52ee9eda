/**
 * The built-in catalogue (scenarios/) is the format's reference: it must load with no problem,
 * with unique ids, every scenario complete, and each file pointing editors at the schema.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CATEGORIES } from '../../harness/model/domain.js';
import { builtinScenariosDir, schemaPath } from '../../harness/model/paths.js';
import { loadCatalogue } from '../../harness/scenario/load.js';
import { formatProblem } from '../../harness/scenario/problems.js';

describe('scenario loader: the built-in catalogue', function () {
  this.timeout(10_000);
  let catalogue: Awaited<ReturnType<typeof loadCatalogue>>;
  before(async () => { catalogue = await loadCatalogue([builtinScenariosDir()]); });

  it('loads with zero problems', () => {
    expect(catalogue.problems.map(formatProblem)).to.deep.equal([]);
    expect(catalogue.files.length).to.be.at.least(18);
    expect(catalogue.scenarios.length).to.be.at.least(150);
  });

  it('every scenario id is unique and is <relative file>#<name>', () => {
    const ids = catalogue.scenarios.map((s) => s.id);
    expect(new Set(ids).size).to.equal(ids.length);
    for (const s of catalogue.scenarios) {
      expect(s.id).to.equal(`${s.file}#${s.name}`);
      expect(s.file).to.match(/^[a-z-]+\/[a-z0-9-]+\.yaml$/);
    }
  });

  it('every scenario is complete: built-in defaults applied, code a list, positions 1-based', () => {
    for (const s of catalogue.scenarios) {
      expect(s.server.driver, s.id).to.be.a('string');
      expect(s.server.cert, s.id).to.be.a('string');
      expect(s.server.clientCert, s.id).to.be.oneOf(['none', 'request', 'require']);
      expect(s.client, s.id).to.include.keys('driver', 'servername', 'connect', 'identityFormat');
      for (const e of [s.expect, ...(s.then ?? []).map((step) => step.expect)]) {
        if (e.code !== undefined) expect(e.code, s.id).to.be.an('array').that.is.not.empty;
        if (e.category !== undefined) expect(CATEGORIES, s.id).to.include(e.category);
      }
      expect(s.line, s.id).to.be.at.least(1);
      expect(s.column, s.id).to.be.at.least(1);
      expect(s.pki.certs.length, s.id).to.be.at.least(1);
    }
  });

  it("a scenario's line and column are those of its name", () => {
    const file = join(builtinScenariosDir(), 'chain', 'paths.yaml');
    const lines = readFileSync(file, 'utf8').split('\n');
    for (const s of catalogue.scenarios.filter((x) => x.file === 'chain/paths.yaml')) {
      expect(lines[s.line - 1]!.slice(s.column - 1)).to.equal(`name: ${s.name}`);
    }
  });

  it('every catalogue file begins by pointing yaml-language-server at the schema', () => {
    for (const file of catalogue.files) {
      const first = readFileSync(file, 'utf8').split('\n')[0]!;
      const match = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
      expect(match, file).to.not.equal(null);
      expect(resolve(dirname(file), match![1]!), file).to.equal(schemaPath());
    }
  });
});
