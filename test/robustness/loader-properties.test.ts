/**
 * Property-based tests of the scenario loader with fast-check: random documents, the real
 * catalogue mutated in its text and its structure, issuer cycles, nesting and alias bombs,
 * binary junk and a 10 MB file. Whatever the input: problems that name the file, a position and
 * (for structural mistakes) the path that is wrong; never an exception, never a hang (each load
 * is timed), and memory back where it was afterwards. Seeds are printed by fast-check on failure.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { formatPath } from '../../harness/scenario/yaml/yaml-path.js';
import { settledHeapBytes } from './support/memory.js';
import { LoaderProbe, type Probed } from './support/loader-probe.js';
import {
  aliasBomb, catalogueFiles, deepNesting, hostileNumber, isMapping, pathsOf, setAt, textEdit, wrongKindOf,
  type CatalogueFile, type Path,
} from './support/yaml-arbitraries.js';

const MB = 1024 * 1024;
/** runs per property: enough to hit every catalogue file many times, small enough for npm test */
const RUNS = process.env.TLSGATE_LONG === '1' ? 1000 : 30;

/** a problem at the mutated path, inside it, or at one of its (non-root) ancestors */
function relatedTo(probed: Probed, path: Path): boolean {
  const mutated = formatPath(path);
  const isUnder = (inner: string, outer: string) => inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
  return probed.problems.some((p) => p.path !== '' && (isUnder(p.path, mutated) || isUnder(mutated, p.path)));
}

const describeProblems = (probed: Probed) => probed.problems.map((p) => `${p.path}: ${p.message}`).join('\n');

describe('scenario loader: property-based hostile input (fast-check)', function () {
  this.timeout(120_000);
  const probe = new LoaderProbe();
  const catalogue: CatalogueFile[] = catalogueFiles();
  const aFile = fc.constantFrom(...catalogue);
  let heapBefore = 0;

  before(async () => { heapBefore = await settledHeapBytes(); });
  after(() => probe.cleanup());

  it('the real catalogue files load as they are (the base every mutation starts from)', async () => {
    for (const f of catalogue) {
      const probed = await probe.load(f.text);
      expect(probed.problems.map((p) => p.message), f.name).to.deep.equal([]);
    }
  });

  it('random documents of any shape: problems, never a crash', async () => {
    await fc.assert(fc.asyncProperty(fc.jsonValue({ maxDepth: 6 }), async (value) => {
      await probe.load(stringify(value));
    }), { numRuns: RUNS * 2 });
  });

  it('random documents shaped like scenario files (known keys, values of any type)', async () => {
    const anyValue = fc.jsonValue({ maxDepth: 4 });
    const scenario = fc.dictionary(fc.constantFrom('name', 'description', 'tags', 'server', 'client', 'expect', 'then', 'faults', 'timeoutMs', 'skip', 'zz'), anyValue);
    const end = fc.dictionary(fc.constantFrom('driver', 'cert', 'chain', 'key', 'trust', 'identity', 'revocation', 'clientCert', 'servername', 'alpn'), anyValue);
    const document = fc.record({
      pki: fc.oneof(anyValue, fc.record({ certs: fc.array(fc.dictionary(fc.constantFrom('id', 'role', 'issuer', 'subject', 'key', 'san', 'validity'), anyValue)), files: anyValue }, { requiredKeys: [] })),
      defaults: fc.oneof(anyValue, fc.record({ server: end, client: end, timeoutMs: anyValue }, { requiredKeys: [] })),
      scenarios: fc.oneof(anyValue, fc.array(fc.oneof(scenario, fc.record({ server: end, client: end, expect: anyValue, name: fc.string() })), { maxLength: 4 })),
    }, { requiredKeys: [] });
    await fc.assert(fc.asyncProperty(document, async (value) => {
      await probe.load(stringify(value));
    }), { numRuns: RUNS * 2 });
  });

  it('random text edits of catalogue files (deletions, insertions, swapped and re-indented lines)', async () => {
    await fc.assert(fc.asyncProperty(aFile, fc.array(textEdit, { minLength: 1, maxLength: 4 }), async (file, edits) => {
      await probe.load(edits.reduce((text, edit) => edit(text), file.text));
    }), { numRuns: RUNS * 3 });
  });

  it('an unknown key in any mapping of a catalogue file is a problem at that mapping', async () => {
    const mappingIn = (f: CatalogueFile) => fc.constantFrom(...pathsOf(f.value).filter((p) => isMapping(p.value)));
    await fc.assert(fc.asyncProperty(aFile.chain((f) => fc.tuple(fc.constant(f), mappingIn(f), fc.stringMatching(/^[a-z]{3,10}$/), fc.jsonValue({ maxDepth: 2 }))), async ([file, at, key, value]) => {
      const name = `zz-${key}`;
      const mutated = setAt(file.value, [...at.path, name], value);
      const probed = await probe.load(stringify(mutated));
      expect(relatedTo(probed, [...at.path, name]) || relatedTo(probed, at.path), `${formatPath([...at.path, name])} in ${file.name}:\n${describeProblems(probed)}`).to.equal(true);
    }), { numRuns: RUNS * 2 });
  });

  it('a value of the wrong kind anywhere in a catalogue file is a problem naming that path', async () => {
    const nodeIn = (f: CatalogueFile) => fc.constantFrom(...pathsOf(f.value).filter((p) => p.path.length > 0));
    const mutation = aFile.chain((f) => nodeIn(f).chain((at) => fc.tuple(fc.constant(f), fc.constant(at.path), wrongKindOf(at.value))));
    await fc.assert(fc.asyncProperty(mutation, async ([file, path, value]) => {
      const probed = await probe.load(stringify(setAt(file.value, path, value)));
      expect(relatedTo(probed, path), `${formatPath(path)} = ${JSON.stringify(value)} in ${file.name}:\n${describeProblems(probed)}`).to.equal(true);
    }), { numRuns: RUNS * 3 });
  });

  it('numbers no field accepts (1e300, -1, 0.5, .inf, 2^53+2) wherever a catalogue file has a number', async () => {
    const numbers = catalogue.flatMap((f) => pathsOf(f.value).filter((p) => typeof p.value === 'number').map((p) => ({ file: f, path: p.path })));
    expect(numbers.length, 'the catalogue has numbers to mutate').to.be.above(5);
    await fc.assert(fc.asyncProperty(fc.constantFrom(...numbers), hostileNumber, async ({ file, path }, value) => {
      const probed = await probe.load(stringify(setAt(file.value, path, value)));
      expect(relatedTo(probed, path), `${formatPath(path)} = ${value} in ${file.name}:\n${describeProblems(probed)}`).to.equal(true);
    }), { numRuns: RUNS });
  });

  it('cycles in the issuer graph (of any length) are problems at an issuer in the cycle', async () => {
    const withChains = catalogue.filter((f) => certsOf(f).length >= 2);
    const cycle = fc.constantFrom(...withChains).chain((f) => fc.tuple(
      fc.constant(f),
      fc.shuffledSubarray(certsOf(f).map((_, i) => i), { minLength: 2, maxLength: Math.min(6, certsOf(f).length) }),
    ));
    await fc.assert(fc.asyncProperty(cycle, async ([file, members]) => {
      let value: unknown = file.value;
      members.forEach((index, k) => {
        const next = certsOf(file)[members[(k + 1) % members.length]!]!;
        value = setAt(value, ['pki', 'certs', index, 'issuer'], next.id);
      });
      const probed = await probe.load(stringify(value));
      const atIssuer = probed.problems.filter((p) => /^pki\.certs\[\d+\]\.issuer$/.test(p.path) && /cycle/.test(p.message));
      expect(atIssuer.length, `${members} in ${file.name}:\n${describeProblems(probed)}`).to.be.at.least(1);
      const indices = atIssuer.map((p) => Number(/\[(\d+)\]/.exec(p.path)![1]));
      expect(members).to.include.members([indices[0]!]);
    }), { numRuns: RUNS });
  });

  it('nesting of any depth (33 to 50,000 levels, flow or block) stops at the limit, in bounded time', async () => {
    await fc.assert(fc.asyncProperty(deepNesting, async (text) => {
      const probed = await probe.load(text, 2000);
      expect(probed.problems.map((p) => p.message)).to.deep.equal(['collections nest more than 32 levels deep']);
    }), { numRuns: Math.max(20, RUNS / 2) });
  });

  it('alias bombs: expansion beyond the budget is one problem; small ones are judged as documents', async () => {
    await fc.assert(fc.asyncProperty(aliasBomb, async ({ text, expansions }) => {
      const probed = await probe.load(text, 2000);
      const bomb = probed.problems.some((p) => p.message === 'aliases expand to too many nodes (more than 100)');
      if (expansions > 10_000) expect(bomb, `${expansions} expansions`).to.equal(true);
    }), { numRuns: Math.max(20, RUNS / 2) });
  });

  it('binary junk: a NUL byte anywhere, or bytes that are not UTF-8, is one problem at its position', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 5000 }), fc.nat(), async (bytes, at) => {
      const withNul = Uint8Array.from(bytes);
      withNul[at % withNul.length] = 0;
      const probed = await probe.load(withNul);
      expect(probed.problems).to.have.length(1);
      expect(probed.problems[0]!.message).to.match(/^file is binary \(a NUL byte at byte \d+\), not YAML text$/);
      await probe.load(bytes);
    }), { numRuns: RUNS });
  });

  it('a 10 MB file is refused by its size before it is parsed', async () => {
    const tenMb = `scenarios:\n${'  - { name: x, expect: { outcome: accept } }\n'.repeat(10 * MB / 32)}`.slice(0, 10 * MB);
    const probed = await probe.load(tenMb, 1500);
    expect(probed.problems.map((p) => p.message)).to.deep.equal(['file is 10.0 MB; scenario files are limited to 5 MB']);
  });

  it('memory after all of the above is back within 32 MB of where it started', async () => {
    const growth = (await settledHeapBytes()) - heapBefore;
    expect(growth / MB).to.be.below(32);
  });
});

function certsOf(f: CatalogueFile): Array<{ id: string }> {
  const pki = f.value.pki as { certs?: Array<{ id: string }> } | undefined;
  return pki?.certs ?? [];
}
