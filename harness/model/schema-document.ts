/**
 * A TypeBox format as a published JSON Schema document: the root with its named definitions, as
 * plain JSON, keys in a readable order, and the file text. The scenario format
 * (scenario/scenario-schema.ts) and the report format (reporters/report-format.ts) are both
 * published this way; scripts/build-schemas.ts writes them under schema/.
 */
import type { TSchema } from 'typebox';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

export function schemaDocument(root: TSchema, definitions: Record<string, TSchema>): JsonObject {
  // JSON drops TypeBox's own (non-enumerable) markers: what is left is the schema itself
  const plain = JSON.parse(JSON.stringify({ $schema: DRAFT_07, ...root, definitions })) as JsonObject;
  return ordered(plain) as JsonObject;
}

/** keywords whose value maps names to schemas (their keys keep their order: it is the format's) */
const NAME_MAPS = new Set(['properties', 'patternProperties', 'definitions']);
/** keywords whose value is data, not a schema */
const DATA = new Set(['enum', 'const', 'default', 'examples', 'discriminator', 'required']);
const FIRST = ['$schema', '$id', '$ref', 'title', 'description', 'type', 'const', 'enum'];
const LAST = ['properties', 'items', 'anyOf', 'oneOf', 'allOf', 'if', 'then', 'definitions'];

/** every schema node's keys: what it is first, then its constraints, then its sub-schemas */
function ordered(node: Json): Json {
  if (Array.isArray(node)) return node.map(ordered);
  if (node === null || typeof node !== 'object') return node;
  const rank = (key: string): number => (FIRST.includes(key) ? FIRST.indexOf(key) - 100 : LAST.includes(key) ? LAST.indexOf(key) + 100 : 0);
  const keys = Object.keys(node).sort((a, b) => rank(a) - rank(b));
  return Object.fromEntries(keys.map((key) => {
    const value = node[key]!;
    if (DATA.has(key)) return [key, value];
    if (NAME_MAPS.has(key) && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return [key, Object.fromEntries(Object.entries(value).map(([name, s]) => [name, ordered(s)]))];
    }
    return [key, ordered(value)];
  }));
}

/** two-space JSON, with lists of plain values (enums, required keys) on one line */
export function schemaFileText(document: JsonObject): string {
  return `${stringify(document, '')}\n`;
}

function stringify(value: Json, indent: string): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
    return `[\n${value.map((v) => `${inner}${stringify(v, inner)}`).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${stringify(v, inner)}`).join(',\n')}\n${indent}}`;
}
