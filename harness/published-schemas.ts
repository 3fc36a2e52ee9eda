/**
 * The published JSON Schemas (schema/scenario.schema.json, schema/report.schema.json) as
 * documents: each format's root with its named definitions, as plain JSON, keys in a readable
 * order. scripts/build-schemas.ts writes them; a test checks the committed files equal them; the
 * loader validates against the same document.
 */
import type { TSchema } from 'typebox';
import { REPORT_DEFINITIONS, ReportSchema } from './report-format.js';
import { SCENARIO_DEFINITIONS, ScenarioFileSchema } from './scenario-format.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

export const scenarioSchemaDocument = (): JsonObject => schemaDocument(ScenarioFileSchema, SCENARIO_DEFINITIONS);
export const reportSchemaDocument = (): JsonObject => schemaDocument(ReportSchema, REPORT_DEFINITIONS);

/** the files under schema/, by name */
export const PUBLISHED_SCHEMAS: Readonly<Record<string, () => JsonObject>> = {
  'scenario.schema.json': scenarioSchemaDocument,
  'report.schema.json': reportSchemaDocument,
};

function schemaDocument(root: TSchema, definitions: Record<string, TSchema>): JsonObject {
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
