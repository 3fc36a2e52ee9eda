/**
 * The domain of a tlsgate run. Data flows one way:
 * scenario file -> Scenario -> Materials -> endpoints -> handshake -> Observation -> Verdict -> report.
 */
import type { Static } from 'typebox';
import type { PkiSpec } from '../../ca/spec/spec.js';
import type {
  CLIENT_CERT_POLICIES, ClientEndSchema, ClientEnvironmentSchema, ClientRevocationSchema, ExpectationSchema, FAILURE_POLICIES, FaultSpecSchema, KnownRegressionSchema,
  NODE_TLS_FLAGS, PemFile, REVOCATION_MODES, REVOCATION_SERVERS, REVOCATION_SOURCES, SecurityLevelNumber, ServerEndSchema, SIDES, StackSelectorSchema, StepSchema, TLS_VERSIONS,
} from './scenario-format.js';

export { CATEGORIES, type Category, OBSERVED_OUTCOMES, type ObservedOutcome } from './categories.js';
import type { Category, ObservedOutcome } from './categories.js';

// ---------------------------------------------------------------- scenario (validated)
// The shapes are defined once, in harness/model/scenario-format.ts (the published JSON Schema); here
// they are completed: defaults merged in, `code` always a list.

export type TlsVersion = (typeof TLS_VERSIONS)[number];
export type Side = (typeof SIDES)[number];
export type ClientCertPolicy = (typeof CLIENT_CERT_POLICIES)[number];
export type RevocationMode = (typeof REVOCATION_MODES)[number];
export type FailurePolicy = (typeof FAILURE_POLICIES)[number];
export type NodeTlsFlag = (typeof NODE_TLS_FLAGS)[number];
export type { SecurityLevelNumber };

export type ClientRevocation = Static<typeof ClientRevocationSchema>;

/** PEM files on disk instead of a generated PKI (a user's real production chain). */
export type PemFileRef = Static<typeof PemFile>;

/** the server end after defaults: `driver` (default `node-tls`), `cert` and `clientCert` always set */
export type ServerEnd = Static<typeof ServerEndSchema> & Required<Pick<Static<typeof ServerEndSchema>, 'driver' | 'cert' | 'clientCert'>>;

/** the client end after defaults: `driver`, `servername`, `connect` and `identityFormat` always set */
export type ClientEnd = Static<typeof ClientEndSchema> & Required<Pick<Static<typeof ClientEndSchema>, 'driver' | 'servername' | 'connect' | 'identityFormat'>>;

/**
 * The process environment of a client. Only what is set here applies: the worker starts without
 * the harness's own NODE_EXTRA_CA_CERTS, SSL_CERT_FILE, SSL_CERT_DIR, OPENSSL_CONF and NODE_OPTIONS.
 */
export type ClientEnvironment = Static<typeof ClientEnvironmentSchema>;

export type PeerExpectation = NonNullable<Static<typeof ExpectationSchema>['peer']>;

/** an expectation as written, but `code` always a list (any one matches) */
export type Expectation = Omit<Static<typeof ExpectationSchema>, 'code'> & { code?: string[] };

/** version ranges (npm semver syntax) of the stack's parts; every one given must match */
export type StackSelector = Static<typeof StackSelectorSchema>;

/** what a connection does on the stacks `when` selects, instead of the default, and why */
export interface StackOverride {
  when: StackSelector;
  expect: Expectation;
  because: string;
}

/** a known upstream bug: the scenario still fails on these stacks, citing `ref` */
export type KnownRegression = Static<typeof KnownRegressionSchema>;

/** the versions of the runtime that ran a scenario, which select its overrides */
export interface StackVersions {
  node: string;
  openssl: string;
  /** the undici driver's package, when it has one */
  undici?: string;
  /** npm package -> the version the scenario's client driver reported running (its clientVersion) */
  libraries?: Record<string, string>;
}

/** A step in a multi-connection scenario (e.g. revoke between two connections). */
export type ScenarioStep = Omit<Static<typeof StepSchema>, 'expect' | 'stacks'> & { expect: Expectation; stacks?: StackOverride[] };

export type FaultSpec = Static<typeof FaultSpecSchema>;

export interface Scenario {
  /** stable: `<relative file>#<name>` */
  id: string;
  name: string;
  description?: string;
  tags: string[];
  file: string;
  /** the scenario file as a CI tool opens it: relative to the working directory, `/`-separated */
  path: string;
  line: number;
  column: number;
  /** generated PKI, or PEM files by id */
  pki: PkiSpec;
  pemFiles?: Record<string, PemFileRef>;
  server: ServerEnd;
  client: ClientEnd;
  expect: Expectation;
  /** what the first connection does on other stacks (the first match replaces `expect`) */
  stacks?: StackOverride[];
  /** known upstream bugs, cited when the scenario fails on their stacks */
  known?: KnownRegression[];
  /** extra connections after the first, in order */
  then?: ScenarioStep[];
  faults?: FaultSpec[];
  /** per-scenario timeout in ms */
  timeoutMs?: number;
  /** why the scenario is skipped on this stack, if it is */
  skip?: string;
}

// ---------------------------------------------------------------- observation


export interface PeerInfo {
  subject: string;
  /** e.g. `DNS:localhost`, `IP Address:127.0.0.1`, `URI:spiffe://x/y` as Node prints them */
  san: string[];
  spiffeId?: string;
  /** SHA-256 fingerprints of the chain the peer sent, leaf first */
  chainFingerprints: string[];
}

export interface RevocationCheck {
  /** id or subject of the certificate checked */
  cert: string;
  serial: string;
  source: (typeof REVOCATION_SOURCES)[number];
  url?: string;
  /** `good`, `revoked`, `unknown`, `unavailable`, `stale`, `invalid`, `loaded` */
  result: string;
  detail?: string;
  durationMs: number;
}

/** One request the revocation servers logged during a connection: proof that someone checked. */
export interface RevocationRequest {
  server: (typeof REVOCATION_SERVERS)[number];
  path: string;
  serials: string[];
  answer: string;
  fault?: string;
}

export interface ServerObservation {
  /** the server saw a completed handshake */
  handshake: boolean;
  clientCertPresented: boolean;
  authorized: boolean;
  authorizationError?: string;
  /** error on the server side (tlsClientError etc.) */
  errorCode?: string | undefined;
  errorMessage?: string | undefined;
  clientPeer?: PeerInfo;
  /** an OCSP staple was asked for / sent */
  stapleRequested: boolean;
  stapleSent: boolean;
  /** application bytes the server read (0 = the client sent no data, e.g. it refused after the handshake) */
  bytesReceived?: number;
  /** what the one-read front before the server did (`server.front`) */
  front?: FrontObservation;
}

/** `server.front`: its one read of the ClientHello, and whether it passed the connection through */
export interface FrontObservation {
  /** the most bytes its one read takes */
  readsOnce: number;
  /** the bytes that one read got */
  readBytes: number;
  /** the length of the first TLS record (header included) as its header announced it: the ClientHello's */
  clientHelloRecordBytes?: number;
  /** true: relayed to the server; false: reset */
  passed: boolean;
}

export interface ClientObservation {
  outcome: ObservedOutcome;
  code?: string;
  message?: string;
  /** TLS alert received, when one can be told */
  alert?: string;
  protocol?: string | undefined;
  cipher?: string | undefined;
  group?: string | undefined;
  alpn?: string | false;
  peer?: PeerInfo;
  /** raw OCSP staple received, base64 */
  staple?: string | null;
  /** the TLS session, for resumption steps (not serialized into reports) */
  session?: Buffer;
  sessionReused?: boolean;
  /** the request went over a connection kept alive from an earlier request (no handshake of its own) */
  connectionReused?: boolean;
  handshakeMs?: number;
}

export interface Observation {
  outcome: ObservedOutcome;
  code?: string | undefined;
  message?: string;
  category?: Category;
  /** which side refused */
  side?: Side;
  alert?: string;
  protocol?: string | undefined;
  cipher?: string | undefined;
  group?: string | undefined;
  alpn?: string | false;
  peer?: PeerInfo;
  server: ServerObservation;
  /** the client's own revocation checks (tlsgate-side OCSP/staple/CRL verification) */
  revocation: RevocationCheck[];
  /** what tlsgate's CRL server and OCSP responder were asked during this connection (their request logs) */
  revocationRequests: RevocationRequest[];
  warnings: string[];
  driver: { client: string; server: string; clientVersion?: string; serverVersion?: string };
  sessionReused?: boolean;
  /** the request went over a connection kept alive from an earlier step */
  connectionReused?: boolean;
  /** id of the certificate that authenticated the server on this connection (its leaf, matched by fingerprint) */
  authenticatedBy?: string;
  timings: { handshakeMs?: number; totalMs: number };
}

// ---------------------------------------------------------------- verdict & results

export interface Mismatch {
  field: string;
  expected: unknown;
  actual: unknown;
}

export type Verdict =
  | { status: 'passed' }
  | { status: 'failed'; mismatches: Mismatch[]; message: string }
  /** `internal`: a bug in tlsgate or in a driver module it loaded, not the peer's doing (harness/model/internal-fault.ts) */
  | { status: 'error'; message: string; internal?: InternalFault }
  | { status: 'skipped'; reason: string };

/** a bug, named: see harness/model/internal-fault.ts */
export interface InternalFault {
  /** error class and message, e.g. `TypeError: Cannot read properties of undefined (reading 'split')` */
  error: string;
  /** the first stack frame, e.g. `formatSubject (dist/harness/drivers/portable/peer.js:42:51)`, when there is one */
  at?: string;
}

export type ResultStatus = Verdict['status'];

/**
 * A project's acceptance (tlsgate.config: `accept`) that matched a failed scenario. While it
 * holds, the failure is reported as ACCEPTED and does not fail the run; once `expired` is set,
 * the failure counts again and says why.
 */
export interface AppliedAcceptance {
  /** the `scenario` id or glob, as written */
  scenario: string;
  reason: string;
  /** `2026-06-30` or `node >=24 <25` */
  expires: string;
  /** where it is written, `tlsgate.config.yaml:12` */
  source: string;
  /** why it no longer holds (the date passed, the running Node is outside the range) */
  expired?: string;
}

export interface ScenarioResult {
  /** `caveats`: what the scenario does not prove (harness/model/caveats.ts) */
  scenario: Pick<Scenario, 'id' | 'name' | 'file' | 'path' | 'line' | 'tags'> & { column?: number; caveats?: string[] };
  /** one per connection: the first, then each `then` step */
  observations: Observation[];
  verdict: Verdict;
  durationMs: number;
  /** set on a failed verdict that a project acceptance matched (harness/model/acceptance.ts) */
  acceptance?: AppliedAcceptance;
}

export interface RunSummary {
  total: number;
  passed: number;
  /** failures that fail the run (accepted ones are counted in `accepted` instead) */
  failed: number;
  skipped: number;
  errors: number;
  /** failures a project acceptance covers: reported, never failing the run */
  accepted: number;
  durationMs: number;
  interrupted: boolean;
}
