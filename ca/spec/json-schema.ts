/**
 * Building blocks of the published JSON Schemas (schema/*.schema.json), which are generated from
 * TypeBox definitions (scripts/build-schemas.ts): the TypeScript types are `Static<>` of the same
 * definitions, so the format is written once. A named definition becomes an entry of the
 * schema's `definitions` and each use of it a `$ref`, typed as what it refers to.
 */
import Type, { type Static, type TEnum, type TObject, type TProperties, type TSchema, type TSchemaOptions, type TString, type TUnsafe } from 'typebox';

const names = new WeakMap<TSchema, string>();

/** a schema published as `#/definitions/<name>` wherever `ref` uses it */
export function named<T extends TSchema>(name: string, schema: T): T {
  names.set(schema, name);
  return schema;
}

/** `{ $ref: '#/definitions/<name>' }` (with this use's own description), typed as the definition */
export function ref<T extends TSchema>(definition: T, description?: string): TUnsafe<Static<T>> {
  const name = names.get(definition);
  if (name === undefined) throw new Error('json-schema: ref() of a schema that was not named()');
  return Type.Unsafe<Static<T>>({ $ref: `#/definitions/${name}`, ...(description === undefined ? {} : { description }) });
}

/** an object that refuses unknown keys (every object of the scenario format) */
export const closed = <P extends TProperties>(description: string, properties: P, options: TSchemaOptions = {}): TObject<P> =>
  Type.Object(properties, { description, additionalProperties: false, ...options });

/** a non-empty string */
export const text = (description: string, options: TSchemaOptions = {}): TString => Type.String({ minLength: 1, description, ...options });

/** a string from a closed set: `{ type: string, enum: [...] }` */
export const stringEnum = <const V extends string[]>(values: readonly [...V], description: string): TEnum<V> =>
  Type.Enum(values, { type: 'string', description });
