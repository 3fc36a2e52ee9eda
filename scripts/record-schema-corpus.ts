/**
 * Records how the scenario schema judges a corpus of documents, so a rewrite of the schema can
 * prove it judges them the same (test/scenario/schema-equivalence.test.ts). The corpus: every
 * scenario file of the catalogue and of the test fixtures, and thousands of small mutations of
 * them (unknown keys, deleted keys, wrong types, wrong enum values, empty lists...), each with
 * ajv's accept/reject and the findings `tlsgate validate` would print for the shape. Also the
 * exact output of `tlsgate validate` for each bad fixture.
 *
 * Run once against the schema to compare with: `node dist/scripts/record-schema-corpus.js`.
 * The mutations are drawn by a seeded generator from the files as they were then, and the
 * fixture keeps those files, so later catalogue changes do not change the corpus.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Writable } from 'node:stream';
import { validateCommand } from '../harness/cli/commands/validate.js';
import { packageRoot } from '../harness/model/paths.js';
import { findScenarioFiles } from '../harness/scenario/find-files.js';
import { parseYaml } from '../harness/scenario/yaml/parse-yaml.js';
import { scenarioSchemaValidator, schemaFindings } from '../harness/scenario/schema/schema-check.js';
import { Rng } from '../test/robustness/support/responder-attacks.js';
import { applyMutation, BAD_FIXTURE_FOLDERS, corpusPath, serializeCorpus, shapeVerdict, SOURCE_FOLDERS, type Corpus, type Mutation } from '../test/scenario/schema-corpus.js';

/** drawn from each kind of mutation, so additions (by far the most candidates) do not crowd out the rest */
const PER_KIND = 1_000;

/** every property name the format has, so mutations also add keys the catalogue never uses */
const KNOWN_KEYS = [...new Set(readFileSync(join(packageRoot(), 'schema', 'scenario.schema.json'), 'utf8').match(/"([A-Za-z]+)": \{/g)!.map((m) => m.slice(1, m.indexOf('"', 1))))].sort();

/** values a mutation writes: each wrong (or right) for some key of the format */
const PALETTE: unknown[] = [
  42, -1, 0, 1.5, 700_000, '', 'bogus-value', 'auto', 'system', 'none', 'now', '+90days', '+1d', 'TLSv1.9', 'TLSv1.2',
  'x y', '127.0.0.1', 'accept', 'expired', 'crl', 'root', true, false, null, [], ['x'], [42], ['crl', 'crl'], {},
  { kind: 'delay', ms: 1 }, { kind: 'dealy' }, { kind: 'ocsp-status', status: 'tryLater' }, { ca: 'root' }, { cert: 'x', ca: 'y' },
];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function* nodes(value: Json, at: Array<string | number> = []): Generator<[Json, Array<string | number>]> {
  yield [value, at];
  if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* nodes(v, [...at, i]);
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) yield* nodes(v, [...at, k]);
}

type Kind = 'delete' | 'replace' | 'unknown key' | 'known key' | 'string tweak';

/** every mutation of one document this script knows how to make, by kind */
function candidates(base: number, doc: Json, out: Record<Kind, Mutation[]>): void {
  for (const [node, at] of nodes(doc)) {
    if (at.length > 0) {
      out.delete.push({ base, at, op: 'delete' });
      for (const value of PALETTE) out.replace.push({ base, at, op: 'set', value });
    }
    if (Array.isArray(node)) {
      if (node.length > 0) out['string tweak'].push({ base, at, op: 'set', value: [...node, node[0]!] });
    } else if (node !== null && typeof node === 'object') {
      out['unknown key'].push({ base, at: [...at, 'zzUnknown'], op: 'set', value: 1 });
      for (const key of Object.keys(node)) out['unknown key'].push({ base, at: [...at, `${key}s`], op: 'set', value: node[key]! });
      for (const key of KNOWN_KEYS) for (const value of PALETTE) out['known key'].push({ base, at: [...at, key], op: 'set', value });
    } else if (typeof node === 'string' && node.length > 1) {
      out['string tweak'].push({ base, at, op: 'set', value: node.slice(0, -1) });
      out['string tweak'].push({ base, at, op: 'set', value: node.toUpperCase() });
      out['string tweak'].push({ base, at, op: 'set', value: [node] });
    }
  }
}

/** `count` of `all`, drawn without repeats, in their original order */
function draw(all: Mutation[], count: number, random: () => number): Mutation[] {
  const picked = new Set<number>();
  while (picked.size < Math.min(count, all.length)) picked.add(Math.floor(random() * all.length));
  return [...picked].sort((a, b) => a - b).map((i) => all[i]!);
}


class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

async function validateOutput(file: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const [out, err] = [new Capture(), new Capture()];
  const code = await validateCommand([file], out, err);
  const root = `${packageRoot()}/`;
  return { code, stdout: out.text.replaceAll(root, ''), stderr: err.text.replaceAll(root, '') };
}

async function main(): Promise<void> {
  const root = packageRoot();
  const found = findScenarioFiles(SOURCE_FOLDERS.map((f) => join(root, f)));
  const files: Corpus['files'] = [];
  for (const ref of found.files) {
    const parsed = parseYaml(readFileSync(ref.absolute, 'utf8'));
    if (parsed.ok) files.push({ file: relative(root, ref.absolute), doc: parsed.value as Json });
  }
  const byKind: Record<Kind, Mutation[]> = { delete: [], replace: [], 'unknown key': [], 'known key': [], 'string tweak': [] };
  files.forEach((f, i) => candidates(i, f.doc, byKind));
  // the responder fuzz's mulberry32: the same draw on every machine
  const rng = new Rng(20261201);
  const random = (): number => rng.next();
  const mutations = Object.values(byKind).flatMap((all) => draw(all, PER_KIND, random));

  const accepts = (value: unknown): boolean => scenarioSchemaValidator()(value);
  const corpus: Corpus = {
    files,
    verdicts: files.map((f) => shapeVerdict(accepts, schemaFindings, f.doc)),
    mutations: mutations.map((m) => ({ ...m, verdict: shapeVerdict(accepts, schemaFindings, applyMutation(files[m.base]!.doc, m)) })),
    validateOutputs: [],
  };
  const bad = findScenarioFiles(BAD_FIXTURE_FOLDERS.map((f) => join(root, f)));
  for (const ref of bad.files) corpus.validateOutputs.push({ file: relative(root, ref.absolute), ...(await validateOutput(ref.absolute)) });
  writeFileSync(corpusPath(), serializeCorpus(corpus));
  const rejected = corpus.mutations.filter((m) => !m.verdict.valid).length;
  process.stdout.write(`${files.length} files, ${Object.values(byKind).reduce((n, all) => n + all.length, 0)} candidate mutations, ${mutations.length} recorded (${rejected} rejected), ${corpus.validateOutputs.length} validate outputs\n`);
}

await main();
