/**
 * fast-check arbitraries for hostile scenario files: the real catalogue files, mutated in their
 * text or in their structure, and inputs built to exhaust a parser (nesting, aliases, junk).
 */
import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { builtinScenariosDir } from '../../../harness/model/paths.js';

export interface CatalogueFile {
  name: string;
  text: string;
  /** the parsed document: a plain JS value */
  value: Record<string, unknown>;
}

export type Path = Array<string | number>;

export function catalogueFiles(dir = builtinScenariosDir()): CatalogueFile[] {
  const files: CatalogueFile[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) files.push(...catalogueFiles(path));
    else if (entry.endsWith('.yaml')) {
      const text = readFileSync(path, 'utf8');
      files.push({ name: path, text, value: parse(text) as Record<string, unknown> });
    }
  }
  return files;
}

/** every path in `value`, with what is there */
export function pathsOf(value: unknown, path: Path = []): Array<{ path: Path; value: unknown }> {
  const here = [{ path, value }];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => pathsOf(v, [...path, i]))];
  if (value !== null && typeof value === 'object') return [...here, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...path, k]))];
  return here;
}

export function setAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const segment of path.slice(0, -1)) node = node[segment] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
  return copy;
}

export const isMapping = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** a value of another kind than `like`: a mapping for a scalar, a scalar for a mapping, ... */
export function wrongKindOf(like: unknown): fc.Arbitrary<unknown> {
  const scalar = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.constant(1e300));
  const mapping = fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), scalar, { minKeys: 1, maxKeys: 3 });
  const list = fc.array(fc.array(scalar, { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 3 });
  if (Array.isArray(like)) return fc.oneof(mapping, fc.integer());
  if (isMapping(like)) return fc.oneof(list, fc.integer(), fc.string({ minLength: 1 }));
  if (typeof like === 'string') return fc.oneof(mapping, list);
  // a boolean's field may take a string too (`alpn: false` or `alpn: h2`): only collections are wrong for it
  if (typeof like === 'boolean') return fc.oneof(mapping, list);
  return fc.oneof(mapping, list, fc.string({ minLength: 1, maxLength: 12 }).map((s) => `x${s}`));
}

/** numbers no field accepts: too large, negative, fractional, not finite */
export const hostileNumber = fc.constantFrom(1e300, -1e300, 2 ** 53 + 2, -1, 0.5, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e21);

/** text edits a person, a merge tool or a broken disk makes */
export type TextEdit = (text: string) => string;

export const textEdit: fc.Arbitrary<TextEdit> = fc.oneof(
  fc.tuple(fc.nat(), fc.nat({ max: 200 })).map(([at, n]): TextEdit => (t) => { const i = at % (t.length + 1); return t.slice(0, i) + t.slice(i + n); }),
  fc.tuple(fc.nat(), fc.string({ unit: 'binary', maxLength: 40 })).map(([at, s]): TextEdit => (t) => { const i = at % (t.length + 1); return t.slice(0, i) + s + t.slice(i); }),
  fc.tuple(fc.nat(), fc.constantFrom(':', '- ', '[', '{', '}', ']', '&a ', '*a', '!!binary ', '\t', '"', "'", '|', '>', '? ', '---\n', '...\n', '#', '%YAML 1.2\n', '\\', '\u0085', '\ufeff')).map(([at, s]): TextEdit => (t) => { const i = at % (t.length + 1); return t.slice(0, i) + s + t.slice(i); }),
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]): TextEdit => (t) => { const l = t.split('\n'); const i = a % l.length; const j = b % l.length; [l[i], l[j]] = [l[j]!, l[i]!]; return l.join('\n'); }),
  fc.tuple(fc.nat(), fc.integer({ min: -6, max: 6 })).map(([a, d]): TextEdit => (t) => { const l = t.split('\n'); const i = a % l.length; l[i] = d >= 0 ? ' '.repeat(d) + l[i] : l[i]!.slice(-d); return l.join('\n'); }),
  fc.nat().map((a): TextEdit => (t) => { const l = t.split('\n'); const i = a % l.length; l.splice(i, 0, l[i]!); return l.join('\n'); }),
);

/** collections nested `depth` deep, in any of the ways YAML allows */
export const deepNesting = fc.tuple(fc.integer({ min: 33, max: 50_000 }), fc.constantFrom('flow-seq', 'flow-map', 'block-seq', 'mixed-flow')).map(([depth, kind]) => {
  switch (kind) {
    case 'flow-seq': return `scenarios: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
    case 'flow-map': return `scenarios: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)}\n`;
    case 'block-seq': return `${'- '.repeat(depth)}x\n`;
    default: return `a: ${'[{b: '.repeat(depth)}1${'}]'.repeat(depth)}\n`;
  }
});

/** anchors that refer to earlier anchors `fanout` times each, `levels` deep */
export const aliasBomb = fc.tuple(fc.integer({ min: 2, max: 12 }), fc.integer({ min: 2, max: 40 })).map(([levels, fanout]) => {
  const lines = [`a0: &a0 [${Array(fanout).fill('lol').join(', ')}]`];
  for (let i = 1; i < levels; i++) lines.push(`a${i}: &a${i} [${Array(fanout).fill(`*a${i - 1}`).join(', ')}]`);
  return { text: `${lines.join('\n')}\nscenarios: *a${levels - 1}\n`, expansions: fanout ** levels };
});
