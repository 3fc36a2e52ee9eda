/**
 * The scenario schema's validator, compiled at build time: ajv's standalone code for the
 * schema document, written to schema/scenario.validator.cjs by `npm run build` (and
 * `npm run build:schemas`). Loading it costs a file read; compiling the schema at every start
 * cost ~150 ms, plus loading TypeBox (~370 modules) to build the document. The file is
 * generated, never edited: a test fails when it differs from what the schema gives.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { packageRoot } from '../../model/paths.js';

export const SCENARIO_VALIDATOR_FILE = 'scenario.validator.cjs';

export const scenarioValidatorPath = (): string => join(packageRoot(), 'schema', SCENARIO_VALIDATOR_FILE);

/** the generated validator (synchronous: schema checks run inside synchronous code) */
export function loadScenarioValidator(): ValidateFunction {
  return createRequire(import.meta.url)(scenarioValidatorPath()) as ValidateFunction;
}
