/**
 * The schema with every `$ref` replaced by the definition it names (the format has no
 * recursion). ajv compiles each referenced definition into a function of its own, and with
 * `allErrors` it concatenates each call's errors into a new array: 40,000 bad list items took
 * 4.7 s, 400,000 would take minutes. Inlined, errors are pushed in place: linear.
 * Keywords beside a `$ref` (its `description`) win over the definition's.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** keywords whose value maps names to schemas (not a schema itself, so a `$ref` key there is a name) */
const NAMED_SCHEMAS = new Set(['properties', 'patternProperties']);
const PREFIX = '#/definitions/';

export function inlineDefinitions(schema: JsonObject): JsonObject {
  const definitions = (schema.definitions ?? {}) as JsonObject;
  const { definitions: _dropped, ...rest } = schema;
  return inlineNode(rest, definitions, []) as JsonObject;
}

function inlineNode(node: Json, definitions: JsonObject, trail: readonly string[]): Json {
  if (Array.isArray(node)) return node.map((item) => inlineNode(item, definitions, trail));
  if (node === null || typeof node !== 'object') return node;
  const out: JsonObject = typeof node.$ref === 'string' ? { ...resolveRef(node.$ref, definitions, trail) } : {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref') continue;
    out[key] = NAMED_SCHEMAS.has(key) && isObject(value)
      ? Object.fromEntries(Object.entries(value).map(([name, s]) => [name, inlineNode(s, definitions, trail)]))
      : inlineNode(value, definitions, trail);
  }
  return out;
}

function resolveRef(ref: string, definitions: JsonObject, trail: readonly string[]): JsonObject {
  const name = ref.startsWith(PREFIX) ? ref.slice(PREFIX.length) : undefined;
  const target = name === undefined ? undefined : definitions[name];
  if (name === undefined || !isObject(target)) throw new Error(`scenario schema: cannot inline $ref ${ref}`);
  if (trail.includes(name)) throw new Error(`scenario schema: ${ref} is recursive (${[...trail, name].join(' -> ')})`);
  return inlineNode(target, definitions, [...trail, name]) as JsonObject;
}

const isObject = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
