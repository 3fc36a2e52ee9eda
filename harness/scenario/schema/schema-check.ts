/**
 * The file format's shape, checked against the scenario schema document: the one
 * schema/scenario.schema.json is generated from and editors use (through
 * `# yaml-language-server: $schema=...`), so the editor and `tlsgate validate` never disagree
 * about what a valid file looks like. The validator is compiled from that document at build
 * time (validator-code.ts), so a start loads neither TypeBox nor ajv's compiler.
 */
import type { ValidateFunction } from 'ajv';
import type { Finding } from '../problems.js';
import { translateSchemaErrors } from './schema-errors.js';
import { loadScenarioValidator } from './scenario-validator.js';

let validator: ValidateFunction | undefined;

/** the build-time compiled validator, loaded once per process, on first use */
export function scenarioSchemaValidator(): ValidateFunction {
  validator ??= loadScenarioValidator();
  return validator;
}

export function schemaFindings(value: unknown): Finding[] {
  const validate = scenarioSchemaValidator();
  if (validate(value)) return [];
  return translateSchemaErrors(validate.errors ?? [], value);
}
