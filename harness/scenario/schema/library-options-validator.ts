/**
 * The library drivers' `client.library` validators, compiled at build time like the scenario
 * schema's (scenario-validator.ts): ajv's standalone code for each driver's options schema,
 * written to schema/library-options.validator.cjs by `npm run build`. Checking a library
 * scenario then loads neither TypeBox nor ajv's compiler; a test fails when the file differs
 * from what the schemas give.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { packageRoot } from '../../model/paths.js';

export const libraryOptionsValidatorPath = (): string => join(packageRoot(), 'schema', 'library-options.validator.cjs');

/** the schema id of a driver's options in the generated module */
export const libraryOptionsId = (driver: string): string => `library-options-${driver}`;

let validators: Record<string, ValidateFunction> | undefined;

/** the generated validator of one library driver's options (loaded on first use) */
export function libraryOptionsValidator(driver: string): ValidateFunction {
  validators ??= createRequire(import.meta.url)(libraryOptionsValidatorPath()) as Record<string, ValidateFunction>;
  const validate = validators[libraryOptionsId(driver)];
  if (!validate) throw new Error(`${libraryOptionsValidatorPath()} has no validator for ${driver}: run npm run build`);
  return validate;
}
