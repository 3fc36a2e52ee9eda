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
import { inlineDefinitions } from './schema-inline.js';
import { libraryOptionsId, libraryOptionsValidatorPath } from './library-options-validator.js';
import { LIBRARY_CLIENTS } from '../../drivers/library/library-catalogue.js';

const HEADER = '// GENERATED from the scenario schema (harness/model/scenario-format.ts) by harness/scenario/schema/validator-code.ts; `npm run build` rewrites it. Do not edit.\n';

export function scenarioValidatorCode(): string {
  const ajv = schemaAjv({ source: true });
  return `${HEADER}${standaloneCode.default(ajv, compileSchema(scenarioSchemaDocument(), ajv))}\n`;
}

const LIBRARY_HEADER = '// GENERATED from the library drivers\' options schemas (harness/drivers/library/*/..-options.ts) by harness/scenario/schema/validator-code.ts; `npm run build` rewrites it. Do not edit.\n';

/** one standalone module exporting each library driver's options validator by libraryOptionsId */
export async function libraryOptionsValidatorCode(): Promise<string> {
  const ajv = schemaAjv({ source: true });
  const ids: Record<string, string> = {};
  for (const driver of LIBRARY_CLIENTS.values()) {
    const id = libraryOptionsId(driver.name);
    ajv.addSchema({ ...inlineDefinitions(await driver.optionsSchema() as Parameters<typeof inlineDefinitions>[0]), $id: id });
    ids[id] = id;
  }
  return `${LIBRARY_HEADER}${standaloneCode.default(ajv, ids)}\n`;
}

/** writes each generated validator when its text changed, and says so */
export async function writeScenarioValidator(): Promise<void> {
  writeWhenChanged(scenarioValidatorPath(), scenarioValidatorCode());
  writeWhenChanged(libraryOptionsValidatorPath(), await libraryOptionsValidatorCode());
}

function writeWhenChanged(file: string, text: string): void {
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return;
  writeFileSync(file, text);
  process.stdout.write(`wrote ${file}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await writeScenarioValidator();
