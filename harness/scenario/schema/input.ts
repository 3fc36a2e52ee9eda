/**
 * The shapes a scenario file has once it passed the schema: what the YAML says, before defaults
 * are merged in (partial ends, `code` as a string or a list). Derived from the one definition of
 * the format (harness/model/scenario-format.ts); harness/model/domain.ts holds the completed result.
 */
import type { Static } from 'typebox';
import type { DefaultsSchema, ExpectationSchema, Pki, ScenarioFileSchema, ScenarioSchema, StackOverrideSchema, StepSchema } from '../../model/scenario-format.js';

export type ScenarioFileInput = Static<typeof ScenarioFileSchema>;
export type PkiInput = Static<typeof Pki>;
export type DefaultsInput = Static<typeof DefaultsSchema>;
export type ExpectationInput = Static<typeof ExpectationSchema>;
export type StepInput = Static<typeof StepSchema>;
export type ScenarioInput = Static<typeof ScenarioSchema>;
export type StackOverrideInput = Static<typeof StackOverrideSchema>;
