/**
 * The recorded judgement of the scenario schema on a corpus of documents (see
 * scripts/record-schema-corpus.ts), shared by the recorder and the equivalence test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../harness/model/paths.js';
import type { Finding } from '../../harness/scenario/problems.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** where the corpus's documents come from: the catalogue and every scenario fixture */
export const SOURCE_FOLDERS = ['scenarios', 'test/scenario/fixtures', 'test/cli/fixtures'];
/** files whose whole `tlsgate validate` output is recorded */
export const BAD_FIXTURE_FOLDERS = ['test/scenario/fixtures/problems', 'test/cli/fixtures/bad'];

/** one small change to a document: replace (or add) the value at `at`, or delete it */
export interface Mutation {
  base: number;
  at: Array<string | number>;
  op: 'set' | 'delete';
  value?: unknown;
}

/** accept/reject, and the shape findings as `path  message  (hint)` */
export interface ShapeVerdict {
  valid: boolean;
  findings: string[];
}

export interface Corpus {
  files: Array<{ file: string; doc: Json }>;
  verdicts: ShapeVerdict[];
  mutations: Array<Mutation & { verdict: ShapeVerdict }>;
  validateOutputs: Array<{ file: string; code: number; stdout: string; stderr: string }>;
}

export const corpusPath = (): string => join(packageRoot(), 'test', 'scenario', 'fixtures', 'schema-corpus.json');

export const readCorpus = (): Corpus => JSON.parse(readFileSync(corpusPath(), 'utf8')) as Corpus;

export function applyMutation(doc: Json, m: Mutation): Json {
  const copy = structuredClone(doc);
  if (m.at.length === 0) return copy;
  let parent: Json = copy;
  for (const segment of m.at.slice(0, -1)) parent = (parent as Record<string | number, Json>)[segment]!;
  const last = m.at.at(-1)!;
  const container = parent as Record<string | number, Json>;
  if (m.op === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete container[last];
  } else {
    container[last] = m.value as Json;
  }
  return copy;
}

export function shapeVerdict(accepts: (value: unknown) => boolean, findingsOf: (value: unknown) => Finding[], doc: unknown): ShapeVerdict {
  const findings = findingsOf(doc);
  return {
    valid: accepts(doc),
    findings: findings.map((f) => [f.path.join('.'), f.message, ...(f.hint ? [`(${f.hint})`] : []), ...(f.at === 'key' ? ['@key'] : [])].join('  ')),
  };
}

/** one entry a line, so a change to the corpus reads as a diff */
export function serializeCorpus(corpus: Corpus): string {
  const list = (items: unknown[]): string => `[\n${items.map((i) => `    ${JSON.stringify(i)}`).join(',\n')}\n  ]`;
  return `{\n${Object.entries(corpus).map(([key, items]) => `  ${JSON.stringify(key)}: ${list(items as unknown[])}`).join(',\n')}\n}\n`;
}
