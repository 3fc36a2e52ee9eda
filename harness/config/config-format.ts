/**
 * The project config file (`tlsgate.config.json`, `tlsgate.config.yaml`/`.yml`, or the `tlsgate`
 * key of package.json), defined once: schema/config.schema.json is generated from this
 * definition (scripts/build-schemas.ts), the loader validates against it, and the TypeScript
 * type of a loaded config is derived from it.
 */
import Type, { type Static } from 'typebox';
import { closed, named, ref, text } from '../../ca/spec/json-schema.js';
import { schemaDocument, type JsonObject } from '../model/schema-document.js';
import { LINT_DEFINITIONS, LintConfigSchema } from './lint-format.js';

const optional = Type.Optional;

/** `2026-06-30`: the day an acceptance stops holding (at 00:00 UTC) */
export const ISO_DATE = '^\\d{4}-\\d{2}-\\d{2}$';

const IdPattern = named('idPattern', text(
  'A scenario id (`<file>#<name>`, see `tlsgate list`) or a glob over ids (`chain/*`, `**/legacy*`).',
));

const Selector = named('selector', Type.Union([
  ref(IdPattern),
  closed('Scenarios with this tag.', { tag: text('A tag, as in `--tag`.') }),
], { errorMessage: 'an id glob (a string) or { tag: NAME }' }));

const Expiry = named('expiry', Type.Union([
  text('The day this acceptance expires (ISO date, UTC): from then on the failure fails the run again.', {
    pattern: ISO_DATE,
    errorMessage: 'a date is written YYYY-MM-DD',
  }),
  closed('A Node version range (npm semver syntax): the acceptance holds only while the running Node is in it.', {
    node: text('A semver range, e.g. `>=24 <25` or `^24.3.0`.'),
  }),
], { errorMessage: 'a date (YYYY-MM-DD) or { node: RANGE }' }));

export const AcceptanceSchema = named('acceptance', closed(
  'A known difference the team accepts: a failure of the matching scenarios is reported as ACCEPTED and does not fail the run, until it expires.',
  {
    scenario: ref(IdPattern),
    reason: text('Why the difference is accepted (a release note, a ticket): shown wherever the result is.'),
    expires: ref(Expiry),
  },
));

export const ConfigSchema = closed('tlsgate project config. Command-line flags override every value here.', {
  $schema: optional(Type.String({ description: 'The JSON Schema of this file, for editors.' })),
  paths: optional(Type.Array(text('A scenario file or folder, relative to this file.'), {
    minItems: 1,
    description: 'Scenario files or folders to run (like `tlsgate run PATHS`); default: the built-in catalogue plus ./scenarios.',
  })),
  include: optional(Type.Array(ref(Selector), { description: 'Run only scenarios matching one of these (by id glob or tag).' })),
  exclude: optional(Type.Array(ref(Selector), { description: 'Never run scenarios matching one of these (by id glob or tag).' })),
  reporters: optional(Type.Array(text('`NAME[:FILE]` as in `--reporter`.'), {
    minItems: 1,
    description: 'Reporters (like `--reporter`, repeated); default: console.',
  })),
  baseline: optional(text('A baseline file to compare with (like `--baseline`), relative to this file.')),
  certs: optional(text('Cache folder for generated certificates and keys (like `--certs`), relative to this file.')),
  accept: optional(Type.Array(ref(AcceptanceSchema), { description: 'Accepted differences, each with a reason and an expiry.' })),
  lint: optional(ref(LintConfigSchema)),
}, {
  $id: 'tlsgate/config.schema.json',
  title: 'tlsgate project config',
});

export type ProjectConfigInput = Static<typeof ConfigSchema>;
export type SelectorInput = Static<typeof Selector>;
export type AcceptanceInput = Static<typeof AcceptanceSchema>;

export const CONFIG_DEFINITIONS = { acceptance: AcceptanceSchema, expiry: Expiry, selector: Selector, idPattern: IdPattern, ...LINT_DEFINITIONS };

/** the config file's published JSON Schema document (schema/config.schema.json) */
export const configSchemaDocument = (): JsonObject => schemaDocument(ConfigSchema, CONFIG_DEFINITIONS);
