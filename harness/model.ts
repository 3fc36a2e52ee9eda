/**
 * The domain of a tlsgate run. Data flows one way:
 * scenario file -> Scenario -> Materials -> endpoints -> handshake -> Observation -> Verdict -> report.
 */
import type { PkiSpec } from '../ca/spec.js';

export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

/**
 * The stable error taxonomy. OpenSSL codes change between versions; categories do not.
 * harness/taxonomy.ts maps codes and messages to these, and README documents the mapping.
 */
export type Category =
  | 'expired' | 'not-yet-valid' | 'untrusted-root' | 'self-signed' | 'incomplete-chain'
  | 'hostname-mismatch' | 'bad-purpose' | 'not-a-ca' | 'path-length' | 'name-constraints'
  | 'weak-key' | 'weak-signature' | 'bad-signature' | 'unsupported-extension' | 'malformed-cert'
  | 'client-cert-required' | 'client-cert-rejected' | 'protocol-mismatch' | 'no-shared-cipher'
  | 'alpn-mismatch' | 'revoked' | 'revocation-unavailable' | 'revocation-stale' | 'revocation-invalid'
  | 'timeout' | 'reset' | 'protocol-error' | 'config-error' | 'unknown';

export const CATEGORIES: readonly Category[] = [
  'expired', 'not-yet-valid', 'untrusted-root', 'self-signed', 'incomplete-chain',
  'hostname-mismatch', 'bad-purpose', 'not-a-ca', 'path-length', 'name-constraints',
  'weak-key', 'weak-signature', 'bad-signature', 'unsupported-extension', 'malformed-cert',
  'client-cert-required', 'client-cert-rejected', 'protocol-mismatch', 'no-shared-cipher',
  'alpn-mismatch', 'revoked', 'revocation-unavailable', 'revocation-stale', 'revocation-invalid',
  'timeout', 'reset', 'protocol-error', 'config-error', 'unknown',
];

export type Side = 'client' | 'server';

// ---------------------------------------------------------------- scenario (validated)

export type ClientCertPolicy = 'none' | 'request' | 'require';

export type RevocationMode = 'none' | 'crl' | 'ocsp' | 'ocsp-stapled' | 'ocsp-then-crl';
export type FailurePolicy = 'hard' | 'soft';

export interface ClientRevocation {
  mode: RevocationMode;
  failure: FailurePolicy;
  /** ms for each fetch; default 300 */
  timeoutMs?: number;
  /** allowed clock skew for thisUpdate/nextUpdate, seconds; default 300 */
  clockSkewSec?: number;
  /** send an OCSP nonce; default true */
  nonce?: boolean;
}

/** PEM files on disk instead of a generated PKI (a user's real production chain). */
export interface PemFileRef {
  cert: string;
  key?: string;
}

export interface ServerEnd {
  /** server driver name; default `node-tls` */
  driver: string;
  /** cert id of the leaf the server presents */
  cert: string;
  /** ids sent after the leaf, in this order; default: the issuers up to, not including, the root */
  chain?: string[];
  /** id of the cert whose key the server uses; default `cert` */
  key?: string;
  minVersion?: TlsVersion;
  maxVersion?: TlsVersion;
  ciphers?: string;
  ecdhCurve?: string;
  alpn?: string[];
  clientCert: ClientCertPolicy;
  /** ids trusted for client certificates; default: the root of `client.identity` */
  clientCa?: string[];
  /** ids of CAs whose CRLs the server loads (server-side revocation of client certs) */
  crl?: string[];
  /**
   * SPIFFE IDs the server authorizes: a client cert must carry exactly one URI SAN and it must be
   * in this list (what a SPIFFE-aware server application does after the TLS handshake).
   */
  authorizeSpiffeIds?: string[];
  /** staple OCSP responses when asked: `responder` asks tlsgate's responder; `none` never staples */
  staple?: 'none' | 'responder';
}

export interface ClientEnd {
  /** client driver name; default `node-tls` */
  driver: string;
  /** ids of trust anchors; default: the root of the server's cert. `system` uses Node's default store. */
  trust?: string[] | 'system';
  /** SNI and hostname to check; default `localhost`. An IP literal sends no SNI. */
  servername: string;
  /** address to connect to; default 127.0.0.1 */
  connect: '127.0.0.1' | '::1';
  /** id of the client certificate */
  identity?: string;
  /** how the identity is handed to Node; default pem */
  identityFormat: 'pem' | 'pkcs12';
  minVersion?: TlsVersion;
  maxVersion?: TlsVersion;
  ciphers?: string;
  ecdhCurve?: string;
  alpn?: string[];
  allowPartialTrustChain?: boolean;
  revocation?: ClientRevocation;
  /**
   * Trust and defaults that come from how the client's Node process is started: the client then
   * runs in a worker process started that way (one per distinct environment, reused).
   */
  environment?: ClientEnvironment;
}

/** Node flags that change TLS trust or defaults, accepted in `client.environment.nodeFlags` */
export type NodeTlsFlag =
  | '--use-openssl-ca' | '--use-bundled-ca' | '--openssl-legacy-provider'
  | '--tls-min-v1.0' | '--tls-min-v1.1' | '--tls-min-v1.2' | '--tls-min-v1.3' | '--tls-max-v1.2' | '--tls-max-v1.3';

/** OpenSSL security levels (0 allows everything, 5 asks for 256-bit security) */
export type SecurityLevelNumber = 0 | 1 | 2 | 3 | 4 | 5;

/**
 * The process environment of a client. Only what is set here applies: the worker starts without
 * the harness's own NODE_EXTRA_CA_CERTS, SSL_CERT_FILE, SSL_CERT_DIR, OPENSSL_CONF and NODE_OPTIONS.
 * Certificates in the default store matter only with `trust: system`.
 */
export interface ClientEnvironment {
  /** NODE_EXTRA_CA_CERTS: a PEM file of these certificates, added to Node's default store at start */
  extraCaCerts?: string[];
  /** SSL_CERT_FILE: a PEM file of these certificates, OpenSSL's default store (used with --use-openssl-ca) */
  sslCertFile?: string[];
  /** OPENSSL_CONF: a config whose system default is `CipherString = DEFAULT@SECLEVEL=<n>` */
  opensslSecurityLevel?: SecurityLevelNumber;
  /** Node flags the worker starts with */
  nodeFlags?: NodeTlsFlag[];
}

export interface PeerExpectation {
  subject?: string;
  san?: string[];
  spiffeId?: string;
}

export interface Expectation {
  outcome: 'accept' | 'reject';
  /** exact code(s); any one matches */
  code?: string[];
  category?: Category;
  side?: Side;
  /** regex tested against the error message */
  message?: string;
  protocol?: TlsVersion;
  cipher?: string;
  group?: string;
  /** negotiated ALPN; `false` = none negotiated */
  alpn?: string | false;
  peer?: PeerExpectation;
  clientCert?: { presented?: boolean; authorized?: boolean };
  /** revocation sources that must have been asked (`crl`, `ocsp`, `staple`) */
  revocationChecked?: Array<'crl' | 'ocsp' | 'staple'>;
}

/** A step in a multi-connection scenario (e.g. revoke between two connections). */
export interface ScenarioStep {
  /** revoke or un-revoke a cert before this connection */
  revoke?: string[];
  unrevoke?: string[];
  /** resume the previous connection's TLS session */
  resume?: boolean;
  expect: Expectation;
}

export interface FaultSpec {
  /** `crl` or `ocsp` */
  server: 'crl' | 'ocsp';
  /** CA id or cert id */
  ca?: string;
  cert?: string;
  fault: import('../ca/revocation-types.js').Fault;
}

export interface Scenario {
  /** stable: `<relative file>#<name>` */
  id: string;
  name: string;
  description?: string;
  tags: string[];
  file: string;
  line: number;
  column: number;
  /** generated PKI, or PEM files by id */
  pki: PkiSpec;
  pemFiles?: Record<string, PemFileRef>;
  server: ServerEnd;
  client: ClientEnd;
  expect: Expectation;
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
  source: 'crl' | 'ocsp' | 'staple';
  url?: string;
  /** `good`, `revoked`, `unknown`, `unavailable`, `stale`, `invalid`, `loaded` */
  result: string;
  detail?: string;
  durationMs: number;
}

/** One request the revocation servers logged during a connection: proof that someone checked. */
export interface RevocationRequest {
  server: 'crl' | 'ocsp';
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
  errorCode?: string;
  errorMessage?: string;
  clientPeer?: PeerInfo;
  /** an OCSP staple was asked for / sent */
  stapleRequested: boolean;
  stapleSent: boolean;
  /** application bytes the server read (0 = the client sent no data, e.g. it refused after the handshake) */
  bytesReceived?: number;
}

export interface ClientObservation {
  outcome: 'accepted' | 'rejected';
  code?: string;
  message?: string;
  /** TLS alert received, when one can be told */
  alert?: string;
  protocol?: string;
  cipher?: string;
  group?: string;
  alpn?: string | false;
  peer?: PeerInfo;
  /** raw OCSP staple received, base64 */
  staple?: string | null;
  /** the TLS session, for resumption steps (not serialized into reports) */
  session?: Buffer;
  sessionReused?: boolean;
  handshakeMs?: number;
}

export interface Observation {
  outcome: 'accepted' | 'rejected';
  code?: string;
  message?: string;
  category?: Category;
  /** which side refused */
  side?: Side;
  alert?: string;
  protocol?: string;
  cipher?: string;
  group?: string;
  alpn?: string | false;
  peer?: PeerInfo;
  server: ServerObservation;
  /** the client's own revocation checks (tlsgate-side OCSP/staple/CRL verification) */
  revocation: RevocationCheck[];
  /** what tlsgate's CRL server and OCSP responder were asked during this connection (their request logs) */
  revocationRequests: RevocationRequest[];
  warnings: string[];
  driver: { client: string; server: string; clientVersion?: string };
  sessionReused?: boolean;
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
  /** `internal`: a bug in tlsgate or in a driver module it loaded, not the peer's doing (harness/internal-fault.ts) */
  | { status: 'error'; message: string; internal?: InternalFault }
  | { status: 'skipped'; reason: string };

/** a bug, named: see harness/internal-fault.ts */
export interface InternalFault {
  /** error class and message, e.g. `TypeError: Cannot read properties of undefined (reading 'split')` */
  error: string;
  /** the first stack frame, e.g. `formatSubject (dist/harness/drivers/peer.js:42:51)`, when there is one */
  at?: string;
}

export type ResultStatus = Verdict['status'];

export interface ScenarioResult {
  scenario: Pick<Scenario, 'id' | 'name' | 'file' | 'line' | 'tags'>;
  /** one per connection: the first, then each `then` step */
  observations: Observation[];
  verdict: Verdict;
  durationMs: number;
}

export interface RunSummary {
  total: number;
  passed: number;
  failed: number;
  skipped: number;
  errors: number;
  durationMs: number;
  interrupted: boolean;
}
