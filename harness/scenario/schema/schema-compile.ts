/**
 * Compiling a JSON Schema document with tlsgate's ajv options. At run time only the small
 * formats are compiled here (project config, serve's --spec and --fault); the scenario schema
 * is compiled at build time (validator-code.ts) and loaded ready (scenario-validator.ts).
 */
import { Ajv, type Options, type ValidateFunction } from 'ajv';
import { inlineDefinitions } from './schema-inline.js';

/** an ajv with tlsgate's options; `source` keeps the code for a standalone module */
export function schemaAjv(opts: { source?: boolean } = {}): Ajv {
  const options: Options = {
    allErrors: true,
    // errors carry their schema and data: messages quote the value, hints come from descriptions
    verbose: true,
    discriminator: true,
    strict: true,
    // `oneOf: [{required: [ca]}, {required: [cert]}]` names properties defined beside it
    strictRequired: false,
    ...(opts.source ? { code: { source: true } } : {}),
  };
  const ajv = new Ajv(options);
  // editors (VS Code, yaml-language-server) show `errorMessage`; so does the translation
  ajv.addKeyword({ keyword: 'errorMessage', schemaType: 'string' });
  return ajv;
}

/** the schema as editors read it; compiled with its definitions inlined (see schema-inline.ts) */
export function compileSchema(schema: object, ajv = schemaAjv()): ValidateFunction {
  return ajv.compile(inlineDefinitions(schema as Parameters<typeof inlineDefinitions>[0]));
}
