/** The files under schema/, by name, each generated from its format's one TypeBox definition. */
import type { JsonObject } from '../harness/model/schema-document.js';
import { configSchemaDocument } from '../harness/config/config-format.js';
import { reportSchemaDocument } from '../harness/reporters/report-format.js';
import { scenarioSchemaDocument } from '../harness/scenario/schema/scenario-schema.js';

export const PUBLISHED_SCHEMAS: Readonly<Record<string, () => JsonObject>> = {
  'scenario.schema.json': scenarioSchemaDocument,
  'report.schema.json': reportSchemaDocument,
  'config.schema.json': configSchemaDocument,
};
