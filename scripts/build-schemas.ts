/**
 * Writes schema/*.schema.json from their TypeBox definitions (scripts/published-schemas.ts),
 * and the scenario validator compiled from the scenario schema (schema/scenario.validator.cjs).
 * Run by `npm run build:schemas`; the files stay committed because editors and the npm
 * package read them, and a test fails when a committed file differs from what this writes.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../harness/model/paths.js';
import { schemaFileText } from '../harness/model/schema-document.js';
import { writeScenarioValidator } from '../harness/scenario/schema/validator-code.js';
import { PUBLISHED_SCHEMAS } from './published-schemas.js';

for (const [name, document] of Object.entries(PUBLISHED_SCHEMAS)) {
  const file = join(packageRoot(), 'schema', name);
  const text = schemaFileText(document());
  const before = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  if (before === text) continue;
  writeFileSync(file, text);
  process.stdout.write(`build-schemas: wrote ${file}\n`);
}

await writeScenarioValidator();
