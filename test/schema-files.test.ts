/**
 * schema/*.schema.json are generated (scripts/build-schemas.ts, run by `npm run build:schemas`) from the one TypeBox definition of each format: the committed files must equal what
 * the definitions give, so nobody edits them by hand.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Type from 'typebox';
import { named, ref } from '../ca/spec/json-schema.js';
import type { StackSummary } from '../harness/inventory/environment.js';
import { packageRoot } from '../harness/model/paths.js';
import { schemaFileText } from '../harness/model/schema-document.js';
import { PUBLISHED_SCHEMAS } from '../scripts/published-schemas.js';
import { scenarioValidatorPath } from '../harness/scenario/schema/scenario-validator.js';
import { libraryOptionsValidatorCode, scenarioValidatorCode } from '../harness/scenario/schema/validator-code.js';
import { libraryOptionsValidatorPath } from '../harness/scenario/schema/library-options-validator.js';
import type { JsonReport } from '../harness/reporters/json.js';
import type { Report } from '../harness/reporters/report-format.js';

// Compile-time: what the JSON reporter builds is a report as the schema defines it (but for
// `environment`, which reaches the reporter through the runner as an untyped record).
// A property set to undefined is absent once written as JSON, as the schema's optional keys are.
type AsWritten<T> = T extends readonly (infer U)[] ? AsWritten<U>[] : T extends object ? { [K in keyof T]: AsWritten<Exclude<T[K], undefined>> } : T;
export const reportFitsSchema = (report: AsWritten<Omit<JsonReport, 'environment'>>): Omit<Report, 'environment'> => report;
export const environmentFitsSchema = (environment: StackSummary): Report['environment'] => environment;

describe('schema/ files', () => {
  for (const [name, document] of Object.entries(PUBLISHED_SCHEMAS)) {
    it(`schema/${name} is the generated one (run npm run build:schemas after changing its definition)`, () => {
      const committed = readFileSync(join(packageRoot(), 'schema', name), 'utf8');
      expect(committed === schemaFileText(document()), `schema/${name} differs from its definition`).to.equal(true);
    });
  }

  it('schema/scenario.validator.cjs is compiled from the scenario schema (npm run build or build:schemas rewrites it)', () => {
    const committed = readFileSync(scenarioValidatorPath(), 'utf8');
    expect(committed === scenarioValidatorCode(), 'schema/scenario.validator.cjs differs from the scenario schema: run npm run build').to.equal(true);
  });

  it('schema/library-options.validator.cjs is compiled from the library drivers\' options schemas (npm run build rewrites it)', async () => {
    const committed = readFileSync(libraryOptionsValidatorPath(), 'utf8');
    expect(committed === await libraryOptionsValidatorCode(), 'schema/library-options.validator.cjs differs from the options schemas: run npm run build').to.equal(true);
  });

  it('a $ref names its definition and keeps its own description; an unnamed schema cannot be referred to', () => {
    const Id = named('someId', Type.String({ description: 'an id' }));
    expect(JSON.parse(JSON.stringify(ref(Id, 'mine')))).to.deep.equal({ $ref: '#/definitions/someId', description: 'mine' });
    expect(JSON.parse(JSON.stringify(ref(Id)))).to.deep.equal({ $ref: '#/definitions/someId' });
    expect(() => ref(Type.String())).to.throw(/not named/);
  });
});
