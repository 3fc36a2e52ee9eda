/**
 * --grep, --tag and --shard: deterministic, in catalogue order, and shards that partition.
 */
import { expect } from 'chai';
import type { Scenario } from '../../harness/model/domain.js';
import { builtinScenariosDir } from '../../harness/model/paths.js';
import { loadScenarios } from '../../harness/scenario/load.js';
import { parseShard, selectScenarios } from '../../harness/scenario/select.js';
import { catalogueOrder } from '../../harness/model/catalogue-order.js';

const scenario = (file: string, line: number, name: string, tags: string[] = [], column = 5): Scenario =>
  ({ id: `${file}#${name}`, name, file, line, column, tags } as Scenario);

describe('scenario selection', () => {
  let catalogue: Scenario[];
  before(async function () {
    this.timeout(10_000);
    catalogue = (await loadScenarios([builtinScenariosDir()])).scenarios;
  });

  it('shards 1/3, 2/3 and 3/3 partition the catalogue exactly, round-robin in catalogue order', () => {
    const shards = [1, 2, 3].map((index) => selectScenarios(catalogue, { shard: { index, count: 3 } }));
    const ids = shards.flat().map((s) => s.id);
    expect(ids).to.have.length(catalogue.length);
    expect(new Set(ids)).to.deep.equal(new Set(catalogue.map((s) => s.id)));
    const ordered = [...catalogue].sort(catalogueOrder);
    shards.forEach((shard, i) => {
      expect(shard.map((s) => s.id)).to.deep.equal(ordered.filter((_, k) => k % 3 === i).map((s) => s.id));
      expect(Math.abs(shard.length - catalogue.length / 3)).to.be.below(1);
    });
  });

  it('shards apply after the filters, and 1/1 is everything', () => {
    const smoke = selectScenarios(catalogue, { tags: ['smoke'] });
    const halves = [1, 2].map((index) => selectScenarios(catalogue, { tags: ['smoke'], shard: { index, count: 2 } }));
    expect([...halves[0]!, ...halves[1]!].sort(catalogueOrder)).to.deep.equal(smoke);
    expect(selectScenarios(catalogue, { shard: { index: 1, count: 1 } })).to.deep.equal([...catalogue].sort(catalogueOrder));
  });

  it('order is by file (code units, not locale), then line, then column: the same whatever the input order', () => {
    const list = [scenario('b.yaml', 1, 'b1'), scenario('a.yaml', 9, 'a9'), scenario('B.yaml', 5, 'B5'), scenario('a.yaml', 2, 'a2b', [], 30), scenario('a.yaml', 2, 'a2a', [], 7)];
    expect(selectScenarios(list).map((s) => s.name)).to.deep.equal(['B5', 'a2a', 'a2b', 'a9', 'b1']);
    expect(selectScenarios([...list].reverse()).map((s) => s.name)).to.deep.equal(['B5', 'a2a', 'a2b', 'a9', 'b1']);
  });

  it('results read back from a JSON report (no column) that share a line are ordered by id, the same every time', () => {
    const fromReport = [{ file: 'a.yaml', line: 2, id: 'a.yaml#b' }, { file: 'a.yaml', line: 2, id: 'a.yaml#a' }, { file: 'a.yaml', line: 1, id: 'a.yaml#z' }];
    const ids = (list: typeof fromReport) => [...list].sort(catalogueOrder).map((r) => r.id);
    expect(ids(fromReport)).to.deep.equal(['a.yaml#z', 'a.yaml#a', 'a.yaml#b']);
    expect(ids([...fromReport].reverse())).to.deep.equal(['a.yaml#z', 'a.yaml#a', 'a.yaml#b']);
  });

  it('grep is a case-sensitive regular expression tested against the id and the name', () => {
    const list = [scenario('chain/paths.yaml', 1, 'expired leaf'), scenario('revocation/crl.yaml', 2, 'CRL good'), scenario('x.yaml', 3, 'Expired root')];
    expect(selectScenarios(list, { grep: 'expired' }).map((s) => s.name)).to.deep.equal(['expired leaf']);
    expect(selectScenarios(list, { grep: '^revocation/' }).map((s) => s.name)).to.deep.equal(['CRL good']);
    expect(selectScenarios(list, { grep: '[Ee]xpired (leaf|root)$' })).to.have.length(2);
    expect(() => selectScenarios(list, { grep: 'wrong (' })).to.throw(/--grep "wrong \(" is not a valid regular expression/);
  });

  it('tags: a scenario must carry every tag given', () => {
    const list = [scenario('a.yaml', 1, 'both', ['mtls', 'smoke']), scenario('a.yaml', 2, 'one', ['mtls']), scenario('a.yaml', 3, 'none')];
    expect(selectScenarios(list, { tags: ['mtls'] }).map((s) => s.name)).to.deep.equal(['both', 'one']);
    expect(selectScenarios(list, { tags: ['mtls', 'smoke'] }).map((s) => s.name)).to.deep.equal(['both']);
    expect(selectScenarios(list, { tags: [] })).to.have.length(3);
  });

  it('parseShard reads i/n and refuses anything else with a clear message', () => {
    expect(parseShard('2/4')).to.deep.equal({ index: 2, count: 4 });
    expect(parseShard(' 3 / 3 ')).to.deep.equal({ index: 3, count: 3 });
    const refused: Array<[string, RegExp]> = [
      ['0/3', /between 1 and 3; got 0/],
      ['4/3', /between 1 and 3; got 4/],
      ['a/b', /expected i\/n with whole numbers/],
      ['1/0', /number of shards \(n in i\/n\) must be at least 1/],
      ['1.5/3', /expected i\/n/],
      ['-1/3', /expected i\/n/],
      ['', /expected i\/n/],
      ['1/99999999999999999999', /too large/],
    ];
    for (const [text, message] of refused) expect(() => parseShard(text), text).to.throw(Error, message);
  });
});
