/**
 * Generates schema/scenario.validator.cjs: ajv's standalone code for the scenario schema
 * document, compiled with the loader's options (schema-check.ts). Run by `npm run build` and
 * `npm run build:schemas`: node dist/harness/scenario/schema/validator-code.js
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { compileSchema, schemaAjv } from './schema-compile.js';
import { scenarioSchemaDocument } from './scenario-schema.js';
import { scenarioValidatorPath } from './scenario-validator.js';

const HEADER = '// GENERATED from the scenario schema (harness/model/scenario-format.ts) by harness/scenario/schema/validator-code.ts; `npm run build` rewrites it. Do not edit.\n';

export function scenarioValidatorCode(): string {
  const ajv = schemaAjv({ source: true });
  return `${HEADER}${standaloneCode.default(ajv, compileSchema(scenarioSchemaDocument(), ajv))}\n`;
}

/** writes the file when its text changed, and says so */
export function writeScenarioValidator(): void {
  const file = scenarioValidatorPath();
  const text = scenarioValidatorCode();
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return;
  writeFileSync(file, text);
  process.stdout.write(`wrote ${file}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) writeScenarioValidator();
