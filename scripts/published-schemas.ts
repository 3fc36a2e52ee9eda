/** The files under schema/, by name, each generated from its format's one TypeBox definition. */
import type { JsonObject } from '../harness/schema-document.js';
import { reportSchemaDocument } from '../harness/report-format.js';
import { scenarioSchemaDocument } from '../harness/scenario/scenario-schema.js';

export const PUBLISHED_SCHEMAS: Readonly<Record<string, () => JsonObject>> = {
  'scenario.schema.json': scenarioSchemaDocument,
  'report.schema.json': reportSchemaDocument,
};
