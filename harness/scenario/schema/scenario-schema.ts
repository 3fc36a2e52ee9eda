/** The scenario file's published JSON Schema document (schema/scenario.schema.json): what the loader validates against. */
import { schemaDocument, type JsonObject } from '../../model/schema-document.js';
import { SCENARIO_DEFINITIONS, ScenarioFileSchema } from '../../model/scenario-format.js';

export const scenarioSchemaDocument = (): JsonObject => schemaDocument(ScenarioFileSchema, SCENARIO_DEFINITIONS);
