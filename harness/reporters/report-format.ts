/**
 * The JSON report (`tlsgate run --reporter json`), defined once: schema/report.schema.json is
 * generated from these definitions (scripts/build-schemas.ts), its enums come from the same
 * lists as the code's (categories, sides, revocation sources, drift classes), and
 * harness/reporters/json.ts is held to it at compile time.
 */
import Type, { type Static, type TSchema } from 'typebox';
import { named, ref } from '../../ca/spec/json-schema.js';
import { schemaDocument, type JsonObject } from '../model/schema-document.js';
import { DRIFT_CLASSES } from '../baseline/drift.js';
import type { StackSummary as RunEnvironment } from '../inventory/environment.js';
import { CATEGORIES, OBSERVED_OUTCOMES } from '../model/categories.js';
import type { ResultStatus } from '../model/domain.js';
import type { ReportedStatus } from '../model/acceptance.js';
import { REVOCATION_SERVERS, REVOCATION_SOURCES, SIDES } from '../model/scenario-format.js';

/** a verdict's status (model.ts Verdict); listed here for the schema's enum */
export const RESULT_STATUSES = ['passed', 'failed', 'skipped', 'error'] as const satisfies readonly ResultStatus[];
/** compile-time: a status added to Verdict and not to the list fails here */
export const EVERY_STATUS_LISTED: [Exclude<ResultStatus, (typeof RESULT_STATUSES)[number]>] extends [never] ? true : never = true;
/** a result's status in the report: a verdict's, or `accepted` (harness/model/acceptance.ts) */
export const REPORTED_STATUSES = [...RESULT_STATUSES, 'accepted'] as const satisfies readonly ReportedStatus[];

const optional = Type.Optional;
/** `{ const: value }`, without the `type` TypeBox's Literal adds */
const constant = <const V extends number | boolean>(value: V, description?: string) =>
  Type.Unsafe<V>({ const: value, ...(description === undefined ? {} : { description }) });
const string = (description?: string) => Type.String(description === undefined ? {} : { description });
const strings = () => Type.Array(Type.String());
const milliseconds = () => Type.Number({ minimum: 0 });
const noExtraKeys = <P extends Parameters<typeof Type.Object>[0]>(properties: P, options: Parameters<typeof Type.Object>[1] = {}) =>
  Type.Object(properties, { ...options, additionalProperties: false });

const Count = named('count', Type.Integer({ minimum: 0 }));
const NullableString = named('nullableString', Type.Union([Type.String(), Type.Null()]));
const DriftClass = named('driftClass', Type.Enum(DRIFT_CLASSES));

const ConnectionSnapshot = named('connectionSnapshot', noExtraKeys({
  outcome: Type.Enum(OBSERVED_OUTCOMES),
  code: optional(string()),
  category: optional(string()),
  side: optional(string()),
  protocol: optional(string()),
  cipher: optional(string()),
  group: optional(string()),
  alpn: optional(Type.Union([Type.String(), constant(false)], { description: 'the negotiated protocol, false for none' })),
  revocationChecked: Type.Array(Type.Enum(REVOCATION_SOURCES)),
}, { description: 'one connection as a baseline records it' }));

const FailureNote = named('failureNote', noExtraKeys({
  id: string(),
  now: Type.Array(Type.String(), { description: 'failed: `field: expected X, got Y` per unmet expectation; error: the message' }),
  was: optional(string('unexpected only: how the baseline recorded the scenario')),
  accepted: optional(string('a live project acceptance covers this failure: where, until when, and why (not fatal)')),
}));

const Drift = named('drift', noExtraKeys({
  baseline: string('the baseline file compared against'),
  failsGate: Type.Boolean({ description: 'a change of a fatal class was found (the run exits 1)' }),
  fatalClasses: Type.Array(ref(DriftClass), { description: 'the two regressions, plus --fail-on, minus --ignore' }),
  ignoredClasses: Type.Array(ref(DriftClass)),
  changes: Type.Array(noExtraKeys({
    id: string(),
    kind: ref(DriftClass),
    connection: optional(Type.Integer({ minimum: 1, description: '1-based, for scenarios with several connections' })),
    before: optional(ref(ConnectionSnapshot)),
    after: optional(ref(ConnectionSnapshot)),
    summary: string(),
    declared: optional(noExtraKeys({
      was: ref(DriftClass),
      because: Type.Array(Type.String(), { description: "the `because` of each side's selected `stacks` entry" }),
    }, { description: 'kind declared: the class the change would have had, and why the scenario declares it' })),
    accepted: optional(string('a live project acceptance covers the scenario: where, until when, and why (never fails the gate)')),
  }), { description: 'one per changed connection (or added/removed scenario), sorted by scenario id' }),
  stack: Type.Array(noExtraKeys({ key: string(), before: string(), after: string() }), {
    description: 'inventory lines that differ (versions, defaults, security level, root store): they explain a drift and never fail the gate',
  }),
  failures: optional(noExtraKeys({
    asRecorded: Type.Array(ref(FailureNote), { description: 'fail exactly as the baseline recorded: known, not fatal' }),
    unexpected: Type.Array(ref(FailureNote), { description: 'fail now and not (or not so) in the baseline: fail the gate' }),
  }, { description: 'failing scenarios compared with the failures the baseline recorded' })),
}, { description: 'what changed against `--baseline FILE`, when the run compared against one (classes ignored with --ignore are left out)' }));

const StackSummary = named('environment', Type.Object({
  tlsgate: optional(string()),
  node: string('process.versions.node'),
  openssl: string('process.versions.openssl'),
  undici: optional(Type.Unsafe<RunEnvironment['undici']>({
    description: 'the undici the undici driver used: the project\'s own (resolved from the working directory) or tlsgate\'s',
    oneOf: [Type.Null(), noExtraKeys({ version: string(), source: Type.Enum(['project', 'tlsgate', 'override']) })],
  })),
  platform: string('process.platform'),
  arch: optional(string('process.arch')),
}, { description: 'what ran the handshakes, so two reports can be compared' }));

const Summary = named('summary', noExtraKeys({
  total: ref(Count, 'results in this report (= passed + failed + skipped + errors + accepted)'),
  passed: ref(Count),
  failed: ref(Count, 'scenarios whose observation did not meet the expectation (and no live acceptance covers)'),
  skipped: ref(Count),
  errors: ref(Count, 'scenarios that could not be run to a verdict (bad material, timeout of the whole scenario, internal error)'),
  accepted: ref(Count, 'failures a project acceptance (tlsgate.config: accept) covers: reported, not failing the run'),
  durationMs: ref(Count),
  interrupted: Type.Boolean({ description: 'the run was stopped (SIGINT/SIGTERM) before every scenario ended' }),
}));

const Peer = named('peer', Type.Object({
  subject: string(),
  san: strings(),
  spiffeId: optional(string()),
  chainFingerprints: strings(),
}));

const Observation = named('observation', Type.Object({
  outcome: Type.Enum(OBSERVED_OUTCOMES),
  code: ref(NullableString, 'the error code as Node/OpenSSL gave it; changes between versions'),
  category: Type.Unsafe<(typeof CATEGORIES)[number] | null>({
    description: 'the stable error category (README: taxonomy); compare this across versions',
    enum: [null, ...CATEGORIES],
  }),
  side: Type.Unsafe<(typeof SIDES)[number] | null>({ enum: [null, ...SIDES], description: 'which side refused' }),
  protocol: ref(NullableString),
  cipher: ref(NullableString),
  group: ref(NullableString, 'key-exchange group'),
  alpn: Type.Union([Type.String(), constant(false), Type.Null()], { description: 'negotiated ALPN protocol; false: none negotiated' }),
  message: optional(string()),
  alert: optional(string()),
  peer: optional(ref(Peer)),
  server: Type.Object({
    handshake: Type.Boolean(),
    clientCertPresented: Type.Boolean(),
    authorized: Type.Boolean(),
    authorizationError: optional(string()),
    errorCode: optional(string()),
    errorMessage: optional(string()),
    clientPeer: optional(ref(Peer)),
    stapleRequested: Type.Boolean(),
    stapleSent: Type.Boolean(),
    bytesReceived: optional(ref(Count)),
    front: optional(Type.Object({
      readsOnce: ref(Count),
      readBytes: ref(Count),
      clientHelloRecordBytes: optional(ref(Count)),
      passed: Type.Boolean(),
    }, { description: 'the one-read front before the server (server.front): its one read of the ClientHello and whether it passed the connection through or reset it' })),
  }),
  revocation: Type.Array(Type.Object({
    cert: string(),
    serial: string(),
    source: Type.Enum(REVOCATION_SOURCES),
    url: optional(string()),
    result: string(),
    detail: optional(string()),
    durationMs: milliseconds(),
  }), { description: 'the client\'s own revocation checks' }),
  revocationRequests: Type.Array(Type.Object({
    server: Type.Enum(REVOCATION_SERVERS),
    path: string(),
    serials: strings(),
    answer: string(),
    fault: optional(string()),
  }), { description: 'what tlsgate\'s CRL server and OCSP responder were asked during the connection' }),
  warnings: strings(),
  driver: Type.Object({ client: string(), server: string(), clientVersion: optional(string()), serverVersion: optional(string()) }),
  sessionReused: optional(Type.Boolean()),
  connectionReused: optional(Type.Boolean({ description: 'the request went over a connection kept alive from an earlier step' })),
  authenticatedBy: optional(string('id of the certificate that authenticated the server on this connection')),
  timings: Type.Object({ handshakeMs: optional(milliseconds()), totalMs: milliseconds() }),
}, { description: 'what one TLS connection did. The key fields (outcome … alpn) are always present, null when not observed; the rest follows harness/model/domain.ts Observation and may grow' }));

const Result = named('result', noExtraKeys({
  id: string('`<file>#<name>`, stable across runs'),
  name: string(),
  file: string('the scenario file, relative to the folder it was found in (as in `id`)'),
  path: string('the scenario file as a CI tool opens it: relative to the working directory, `/`-separated'),
  line: Type.Integer({ minimum: 1 }),
  column: optional(Type.Integer({ minimum: 1, description: 'where on the line the scenario starts (two can share a line in a YAML flow sequence); absent in reports written before it was added' })),
  tags: strings(),
  caveats: optional(Type.Array(Type.String(), { description: 'what the scenario does not prove, e.g. `proves less: no name check …` when its client checks no hostname' })),
  status: Type.Enum(REPORTED_STATUSES, { description: '`accepted`: the observation did not meet the expectation, but a project acceptance covers it' }),
  durationMs: ref(Count),
  message: optional(string('failed, accepted: `expected …, got …`; error: what went wrong; skipped: why')),
  mismatches: optional(Type.Array(noExtraKeys({ field: string(), expected: Type.Unknown(), actual: Type.Unknown() }), {
    description: 'failed and accepted only: each expectation field that was not met',
  })),
  acceptance: optional(noExtraKeys({
    scenario: string('the id or glob of the `accept` entry'),
    reason: string(),
    expires: string('`YYYY-MM-DD` or `node RANGE`'),
    source: string('where the entry is written: `file:line`'),
    expired: optional(string('why it no longer holds: the result is then `failed`')),
  }, { description: 'the project acceptance that matched this failure' })),
  observation: Type.Unsafe<Static<typeof Observation> | null>({
    description: 'the first connection\'s observation; null when no connection was made (skipped, or an error before connecting)',
    oneOf: [Type.Null(), ref(Observation)],
  }),
  observations: Type.Array(ref(Observation), { description: 'every connection: the first, then each `then` step' }),
}, {
  allOf: [
    {
      if: { properties: { status: { enum: ['failed', 'error', 'skipped', 'accepted'] } } },
      then: { properties: { message: { type: 'string' } }, required: ['message'] },
    },
    {
      if: { properties: { status: { enum: ['failed', 'accepted'] } } },
      then: { properties: { mismatches: { type: 'array' } }, required: ['mismatches'] },
    },
    {
      if: { properties: { status: { const: 'accepted' } } },
      then: { properties: { acceptance: { type: 'object' } }, required: ['acceptance'] },
    },
  ],
}));

export const ReportSchema = noExtraKeys({
  version: constant(1, 'format version of this report'),
  startedAt: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$', description: 'when the run began (ISO 8601, UTC)' }),
  environment: ref(StackSummary),
  inventory: optional(Type.Unknown({ description: 'the TLS stack inventory (`tlsgate inventory --json`), when the run collected one' })),
  drift: optional(ref(Drift)),
  summary: ref(Summary),
  results: Type.Array(ref(Result), {
    description: 'one per scenario that ran or was skipped, in catalogue order (file, then line); scenarios interrupted or never started (--bail) are absent',
  }),
}, {
  $id: 'tlsgate/report.schema.json',
  title: 'tlsgate JSON report',
  description: 'What `tlsgate run --reporter json[:FILE]` writes. A public interface: `version` changes only when a field is removed or changes meaning; fields may be added within a version, so consumers should ignore fields they do not know.',
});

export type Report = Static<typeof ReportSchema>;

/** the `definitions` of the published schema, in the order the file lists them */
export const REPORT_DEFINITIONS: Record<string, TSchema> = {
  drift: Drift, failureNote: FailureNote, driftClass: DriftClass, connectionSnapshot: ConnectionSnapshot, environment: StackSummary, count: Count,
  summary: Summary, result: Result, nullableString: NullableString, observation: Observation, peer: Peer,
};

/** the JSON report's published JSON Schema document (schema/report.schema.json) */
export const reportSchemaDocument = (): JsonObject => schemaDocument(ReportSchema, REPORT_DEFINITIONS);
