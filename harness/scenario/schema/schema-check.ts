/**
 * The file format's shape, checked against the scenario schema document: the one
 * schema/scenario.schema.json is generated from and editors use (through
 * `# yaml-language-server: $schema=...`), so the editor and `tlsgate validate` never disagree
 * about what a valid file looks like.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { scenarioSchemaDocument } from './scenario-schema.js';
import type { Finding } from '../problems.js';
import { translateSchemaErrors } from './schema-errors.js';
import { inlineDefinitions } from './schema-inline.js';

let validator: ValidateFunction | undefined;

/** compiled once per process (about 150 ms), on first use */
export function scenarioSchemaValidator(): ValidateFunction {
  validator ??= compileSchema(scenarioSchemaDocument());
  return validator;
}

/** the schema as editors read it; compiled with its definitions inlined (see schema-inline.ts) */
export function compileSchema(schema: object): ValidateFunction {
  const ajv = new Ajv({
    allErrors: true,
    // errors carry their schema and data: messages quote the value, hints come from descriptions
    verbose: true,
    discriminator: true,
    strict: true,
    // `oneOf: [{required: [ca]}, {required: [cert]}]` names properties defined beside it
    strictRequired: false,
  });
  // editors (VS Code, yaml-language-server) show `errorMessage`; so does the translation
  ajv.addKeyword({ keyword: 'errorMessage', schemaType: 'string' });
  return ajv.compile(inlineDefinitions(schema as Parameters<typeof inlineDefinitions>[0]));
}

export function schemaFindings(value: unknown): Finding[] {
  const validate = scenarioSchemaValidator();
  if (validate(value)) return [];
  return translateSchemaErrors(validate.errors ?? [], value);
}
