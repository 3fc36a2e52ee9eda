/**
 * ajv's errors as findings a person can act on: one per real issue, at the offending node, in
 * words ("unknown key 'sever'", "'acept' is not a valid outcome") with a hint that says the fix.
 * The noise of unions is folded: an `anyOf` that failed is one finding (its `errorMessage`),
 * unless the value is a list or mapping that only one branch accepts, whose errors are then
 * the precise ones.
 */
import type { ErrorObject } from 'ajv';
import { finding, type Finding } from '../problems.js';
import { quote } from '../quote.js';
import { didYouMean, listForHint } from '../checks/suggest.js';
import { pathFromPointer, valueAt } from '../yaml/yaml-path.js';

type SchemaNode = Record<string, unknown>;

export function translateSchemaErrors(errors: readonly ErrorObject[], data: unknown): Finding[] {
  const kept = withoutUnionNoise(errors, data);
  const findings: Finding[] = [];
  for (const error of kept) {
    const f = translate(error, kept, data);
    if (f) findings.push(f);
  }
  return findings;
}

/** drop branch errors of failed unions (keeping those of the one branch that fits, if any) */
function withoutUnionNoise(errors: readonly ErrorObject[], data: unknown): ErrorObject[] {
  const dropped = new Set<ErrorObject>();
  for (const union of errors.filter(isUnionError)) {
    const branches = errors.filter((e) => e !== union && isBranchOf(e, union));
    const fitting = fittingBranch(union, valueAt(data, pathFromPointer(union.instancePath, data)));
    for (const e of branches) {
      if (fitting === undefined || !e.schemaPath.startsWith(`${union.schemaPath}/${fitting}/`)) dropped.add(e);
    }
    if (fitting !== undefined && branches.some((e) => !dropped.has(e))) dropped.add(union);
  }
  return errors.filter((e) => !dropped.has(e));
}

const isUnionError = (e: ErrorObject): boolean => e.keyword === 'anyOf' || e.keyword === 'oneOf';

function isBranchOf(e: ErrorObject, union: ErrorObject): boolean {
  return e.schemaPath.startsWith(`${union.schemaPath}/`) &&
    (e.instancePath === union.instancePath || e.instancePath.startsWith(`${union.instancePath}/`));
}

/** the index of the only branch declaring the value's container type (list or mapping) */
function fittingBranch(union: ErrorObject, value: unknown): number | undefined {
  const branches = (union.schema as SchemaNode[] | undefined) ?? [];
  const type = Array.isArray(value) ? 'array' : value !== null && typeof value === 'object' ? 'object' : undefined;
  if (!type) return undefined;
  const matches = branches.flatMap((b, i) => (b.type === type && (b.items !== undefined || b.properties !== undefined) ? [i] : []));
  return matches.length === 1 ? matches[0] : undefined;
}

function translate(error: ErrorObject, all: readonly ErrorObject[], data: unknown): Finding | undefined {
  const path = pathFromPointer(error.instancePath, data);
  const schema = (error.parentSchema ?? {}) as SchemaNode;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((schema.properties as SchemaNode | undefined) ?? {});
      return { path: [...path, key], at: 'key', message: `unknown key ${quote(key)}`, hint: `${didYouMean(key, allowed)}allowed here: ${allowed.join(', ')}` };
    }
    case 'required': {
      const key = String(params.missingProperty);
      const property = ((schema.properties as SchemaNode | undefined) ?? {})[key] as SchemaNode | undefined;
      const tags = discriminatorTags(schema, key);
      const hint = property ? descriptionOf(property) : tags.length > 0 ? `one of: ${listForHint(tags, 40)}` : undefined;
      return finding([...path, key], `missing required key ${quote(key)}`, hint);
    }
    case 'uniqueItems': {
      const [first, again] = [Number(params.i), Number(params.j)].sort((a, b) => a - b);
      const item = Array.isArray(error.data) ? error.data[again!] : undefined;
      return finding([...path, again!], `${quote(item)} is listed twice (items ${first} and ${again})`, descriptionOf(schema));
    }
    case 'propertyNames':
      return undefined; // its inner error (below, with `propertyName`) says which key and why
    case 'discriminator':
      return discriminatorFinding(error, path, all);
    case 'anyOf':
    case 'oneOf':
      return unionFinding(error, path, data);
    default:
      break;
  }
  if (error.propertyName !== undefined) {
    const message = `${quote(error.propertyName)}: ${String(schema.errorMessage ?? error.message)}`;
    return { ...finding([...path, error.propertyName], message, descriptionOf(schema)), at: 'key' };
  }
  return finding(path, valueMessage(error, path, schema), valueHint(error, schema));
}

function valueMessage(error: ErrorObject, path: ReadonlyArray<string | number>, schema: SchemaNode): string {
  const params = error.params as Record<string, unknown>;
  const value: unknown = error.data;
  switch (error.keyword) {
    case 'type':
      return `must be ${typeName(String(params.type))}, not ${valueName(value)}`;
    case 'enum':
      return `${quote(value)} is not a valid ${subjectName(path)}`;
    case 'const':
      return `must be ${quote(params.allowedValue)}`;
    case 'pattern':
      return `${quote(value)}: ${String(schema.errorMessage ?? `does not match ${String(params.pattern)}`)}`;
    case 'minimum':
    case 'exclusiveMinimum':
      return `${quote(value)} is too small (the minimum is ${String(params.limit)})`;
    case 'maximum':
    case 'exclusiveMaximum':
      return `${quote(value)} is too large (the maximum is ${String(params.limit)})`;
    case 'minItems':
      return params.limit === 1 ? 'must not be an empty list' : `needs at least ${String(params.limit)} items`;
    case 'minLength':
      return params.limit === 1 ? 'must not be empty' : `needs at least ${String(params.limit)} characters`;
    default:
      return error.message ?? `fails ${error.keyword}`;
  }
}

function valueHint(error: ErrorObject, schema: SchemaNode): string | undefined {
  if (error.keyword === 'enum') {
    const allowed = ((error.schema as unknown[] | undefined) ?? []).map(String);
    return `${typeof error.data === 'string' ? didYouMean(error.data, allowed) : ''}allowed: ${listForHint(allowed, 40)}`;
  }
  return descriptionOf(schema);
}

function discriminatorFinding(error: ErrorObject, path: Array<string | number>, all: readonly ErrorObject[]): Finding | undefined {
  const params = error.params as { error: string; tag: string; tagValue?: unknown };
  if (params.error === 'tag') {
    const missing = all.some((e) => e.keyword === 'required' && e.instancePath === error.instancePath && (e.params as { missingProperty?: string }).missingProperty === params.tag);
    return missing ? undefined : finding([...path, params.tag], `must be a string, not ${valueName(params.tagValue)}`);
  }
  const kinds = discriminatorTags((error.parentSchema ?? {}) as SchemaNode, params.tag);
  const value = String(params.tagValue);
  return finding([...path, params.tag], `unknown ${params.tag} ${quote(value)}`, `${didYouMean(value, kinds)}allowed: ${listForHint(kinds, 40)}`);
}

/** the values a discriminated union's tag may take (e.g. the fault kinds) */
function discriminatorTags(schema: SchemaNode, tag: string): string[] {
  if ((schema.discriminator as { propertyName?: string } | undefined)?.propertyName !== tag) return [];
  return ((schema.oneOf as SchemaNode[] | undefined) ?? []).map((branch) => String(((branch.properties as SchemaNode)[tag] as SchemaNode).const));
}

function unionFinding(error: ErrorObject, path: Array<string | number>, data: unknown): Finding {
  const schema = (error.parentSchema ?? {}) as SchemaNode;
  const value = valueAt(data, path);
  const constants = ((error.schema as SchemaNode[] | undefined) ?? []).flatMap((b) => (typeof b.const === 'string' ? [b.const] : []));
  const typo = typeof value === 'string' ? didYouMean(value, constants).trim() : '';
  const message = String(schema.errorMessage ?? 'does not match any of the allowed forms');
  return finding(path, message, typo || descriptionOf(schema));
}

const descriptionOf = (schema: SchemaNode): string | undefined =>
  typeof schema.description === 'string' ? schema.description : undefined;

/** the key a value sits under, for "not a valid <key>": items of a list take their list's key */
function subjectName(path: ReadonlyArray<string | number>): string {
  const key = [...path].reverse().find((s): s is string => typeof s === 'string');
  return key ?? 'value';
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  object: 'a mapping', array: 'a list', string: 'a string', integer: 'a whole number',
  number: 'a number', boolean: 'true or false', null: 'empty',
};

const typeName = (type: string): string => TYPE_NAMES[type] ?? type;

export function valueName(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Uint8Array) return 'binary data';
  if (value instanceof Date) return 'a date';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `a string (${quote(value)})`;
  return quote(value);
}

