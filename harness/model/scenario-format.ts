/**
 * The scenario file format, defined once. schema/scenario.schema.json is generated from these
 * definitions (scripts/build-schemas.ts; a test keeps the committed file equal), `tlsgate
 * validate` checks files against them, and the TypeScript types of harness/model/domain.ts and
 * harness/scenario/schema/input.ts are derived from them. The closed sets are `as const` arrays used by
 * both the schema and the union types. The PKI part lives in ca/spec/spec.ts, the faults in
 * ca/revocation/revocation-types.ts.
 */
import Type, { type Static } from 'typebox';
import { closed, named, ref, stringEnum, text } from '../../ca/spec/json-schema.js';
import { FaultSchema } from '../../ca/revocation/revocation-types.js';
import { CertId, CertRef, CertSpecSchema, ResponderSpecSchema, RevocationSpecSchema, Subtrees, TimeSpecSchema, UrlList } from '../../ca/spec/spec.js';
import { CATEGORIES } from './categories.js';
import { GnutlsPriority, LegacyServerConnect, MinDhSize, ToolFlags } from './format/external-tools.js';
import { ClientProxySchema, LibraryOptionsSchema } from './format/libraries.js';
import { LibraryVersionsSchema } from './format/library-versions.js';
import { ServerFront } from './format/server-front.js';
import { AuthenticatedBySchema, ConnectionSchema, RetrustSchema, ReusedExpectationSchema, RotateSchema, WaitSchema } from './format/lifecycle.js';

export const TLS_VERSIONS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
export const SIDES = ['client', 'server'] as const;
export const OUTCOMES = ['accept', 'reject'] as const;
export const CLIENT_CERT_POLICIES = ['none', 'request', 'require'] as const;
export const STAPLE_MODES = ['none', 'responder'] as const;
export const CONNECT_ADDRESSES = ['127.0.0.1', '::1'] as const;
export const IDENTITY_FORMATS = ['pem', 'pkcs12'] as const;
export const REVOCATION_MODES = ['none', 'crl', 'ocsp', 'ocsp-stapled', 'ocsp-then-crl'] as const;
export const FAILURE_POLICIES = ['hard', 'soft'] as const;
/** revocation sources a connection can be proven to have asked */
export const REVOCATION_SOURCES = ['crl', 'ocsp', 'staple'] as const;
/** tlsgate's two revocation servers */
export const REVOCATION_SERVERS = ['crl', 'ocsp'] as const;
/** Node flags that change TLS trust or defaults, accepted in `client.environment.nodeFlags` */
export const NODE_TLS_FLAGS = [
  '--use-openssl-ca', '--use-bundled-ca', '--openssl-legacy-provider',
  '--tls-min-v1.0', '--tls-min-v1.1', '--tls-min-v1.2', '--tls-min-v1.3', '--tls-max-v1.2', '--tls-max-v1.3',
] as const;

/** OpenSSL security levels (0 allows everything, 5 asks for 256-bit security) */
export type SecurityLevelNumber = 0 | 1 | 2 | 3 | 4 | 5;

const optional = Type.Optional;
const flag = (description: string) => optional(Type.Boolean({ description }));
const certRefs = (description: string, options = {}) => optional(Type.Array(ref(CertRef), { description, ...options }));
const texts = (description: string, item: string) => optional(Type.Array(text(item), { description }));

export const TlsVersionSchema = named('tlsVersion', stringEnum(TLS_VERSIONS, 'A TLS protocol version.'));

export const Tag = named('tag', text('A tag: one word (no spaces or commas), for `--tag`.', {
  pattern: '^[^\\s,]+$',
  errorMessage: 'a tag is one word without spaces or commas',
}));

export const TimeoutMs = named('timeoutMs', Type.Integer({
  minimum: 1,
  maximum: 600000,
  description: 'Per-connection timeout in ms (at most 600000); overrides --timeout.',
}));

export const PemFile = named('pemFile', closed('A certificate (or a bundle of them) in a PEM file, optionally its private key; and/or CRL files. Give `cert`, `crl` or both.', {
  cert: optional(text('Path of the PEM certificate (`-----BEGIN CERTIFICATE-----`), relative to this scenario file. A bundle (fullchain) file holds several: `<id>` is the first, `<id>#2`, `<id>#3`… the next ones in file order.')),
  key: optional(text('Path of its unencrypted PEM private key, relative to this scenario file; needed to serve it, use it as a client identity, or (for a CA) let tlsgate sign CRLs and OCSP answers as that CA.')),
  crl: optional(text('Path of a CRL file, PEM (one or several `-----BEGIN X509 CRL-----` blocks) or DER, relative to this scenario file: served as-is at the distribution point of the CA that signed it.')),
}));

export const Pki = named('pki', closed('The PKI of this file.', {
  certs: optional(Type.Array(ref(CertSpecSchema), { description: 'Certificates tlsgate generates, issuers before or after their subjects (order does not matter).' })),
  revoked: optional(Type.Array(ref(RevocationSpecSchema), { description: 'Certificates revoked when the scenario starts.' })),
  responders: optional(Type.Array(ref(ResponderSpecSchema), { description: 'How the OCSP responder answers for a CA; without an entry, the CA signs its own answers and includes no certificates.' })),
  files: optional(Type.Unsafe<Record<string, Static<typeof PemFile>>>({
    type: 'object',
    description: 'PEM files on disk (e.g. a real production chain), by id. Paths are relative to this file.',
    propertyNames: ref(CertId),
    additionalProperties: ref(PemFile),
  })),
}));

export const ServerEndSchema = named('serverEnd', closed('The TLS server end.', {
  driver: optional(text('Server driver: `node-tls` (default), `openssl-s_server`, `gnutls-serv`, or a path to a driver module.')),
  cert: optional(ref(CertRef, 'Id of the certificate the server presents (required, here or in defaults.server).')),
  chain: certRefs('Ids sent after the leaf, in this order; default: its issuers up to, not including, the root. `[]` sends the leaf alone.'),
  key: optional(ref(CertRef, 'Id of the certificate whose private key the server uses; default `cert`.')),
  minVersion: optional(ref(TlsVersionSchema, 'Lowest TLS version the server accepts.')),
  maxVersion: optional(ref(TlsVersionSchema, 'Highest TLS version the server accepts.')),
  ciphers: optional(text('OpenSSL cipher string, e.g. `DEFAULT@SECLEVEL=0`.')),
  ecdhCurve: optional(text('Key-exchange groups, e.g. `P-256` or `X25519:P-256`.')),
  alpn: texts('ALPN protocols the server offers, e.g. [h2, http/1.1].', 'an ALPN protocol id'),
  clientCert: optional(stringEnum(CLIENT_CERT_POLICIES, 'Client certificates: none (default), request, or require.')),
  clientCa: certRefs('Ids trusted for client certificates; default: the root of a generated client.identity; required when the identity comes from `pki.files`.'),
  crl: certRefs('Ids of CAs whose CRLs the server loads (server-side revocation of client certificates).'),
  authorizeSpiffeIds: texts('SPIFFE IDs the server authorizes: a client certificate must carry exactly one URI SAN, and one of these.', 'a SPIFFE ID, e.g. spiffe://example.org/service'),
  staple: optional(stringEnum(STAPLE_MODES, 'OCSP stapling: `responder` staples tlsgate\'s responder\'s answer, `none` never staples.')),
  toolFlags: ToolFlags,
  priority: GnutlsPriority,
  front: ServerFront,
}));

export const ClientEnvironmentSchema = named('clientEnvironment', closed(
  'The client process\'s environment. Only what is set here applies: the worker starts without the harness\'s own NODE_EXTRA_CA_CERTS, SSL_CERT_FILE, SSL_CERT_DIR, OPENSSL_CONF and NODE_OPTIONS. Certificates in the default store matter only with `trust: system`. `{}` is a clean process.',
  {
    extraCaCerts: certRefs('NODE_EXTRA_CA_CERTS: a PEM file of these certificates, added to Node\'s default store when the process starts.', { minItems: 1 }),
    sslCertFile: certRefs('SSL_CERT_FILE: a PEM file of these certificates, OpenSSL\'s default store (Node uses it with --use-openssl-ca).', { minItems: 1 }),
    opensslSecurityLevel: optional(Type.Unsafe<SecurityLevelNumber>(Type.Integer({
      minimum: 0,
      maximum: 5,
      description: 'OPENSSL_CONF: a config file whose system default is `CipherString = DEFAULT@SECLEVEL=<n>` (Node reads its nodejs_conf section at start).',
    }))),
    nodeFlags: optional(Type.Array(stringEnum(NODE_TLS_FLAGS, 'a Node flag that changes TLS trust or defaults'), {
      uniqueItems: true,
      description: 'Node flags the client process starts with, e.g. --use-openssl-ca or --tls-min-v1.0.',
    })),
  },
));

export const ClientRevocationSchema = named('clientRevocation', closed('How the client checks revocation.', {
  mode: stringEnum(REVOCATION_MODES, 'none, crl, ocsp, ocsp-stapled, or ocsp-then-crl.'),
  failure: stringEnum(FAILURE_POLICIES, 'hard: no answer means reject; soft: no answer means accept.'),
  timeoutMs: optional(Type.Integer({ minimum: 1, maximum: 600000, description: 'Timeout of each fetch, ms; default 300.' })),
  clockSkewSec: optional(Type.Integer({ minimum: 0, maximum: 604800, description: 'Allowed clock skew for thisUpdate/nextUpdate, seconds; default 300.' })),
  nonce: flag('Send an OCSP nonce; default true.'),
}));

export const ClientEndSchema = named('clientEnd', closed('The TLS client end.', {
  driver: optional(text('Client driver: node-tls (default), node-https, undici, openssl-s_client, gnutls-cli, curl, or a path to a driver module.')),
  trust: optional(Type.Union([
    Type.Array(Type.String({ minLength: 1 })),
    Type.Literal('system'),
  ], {
    description: 'Ids of trust anchors, or `system` for Node\'s default store. Default: the root of a generated server certificate; required when the server certificate comes from `pki.files` (trust is never inferred from files).',
    errorMessage: 'must be a list of certificate ids or `system`',
  })),
  servername: optional(text('SNI and the hostname to check; default localhost. An IP literal sends no SNI.')),
  checkName: flag('Check the server certificate against `servername`; default true. `false` models a client that replaces checkServerIdentity (SNI is still sent): reports mark such a scenario as proving less.'),
  connect: optional(stringEnum(CONNECT_ADDRESSES, 'Address to connect to: 127.0.0.1 (default) or ::1.')),
  identity: optional(ref(CertRef, 'Id of the client certificate.')),
  identityFormat: optional(stringEnum(IDENTITY_FORMATS, 'How the identity is handed to Node: pem (default) or pkcs12.')),
  minVersion: optional(ref(TlsVersionSchema, 'Lowest TLS version the client offers.')),
  maxVersion: optional(ref(TlsVersionSchema, 'Highest TLS version the client offers.')),
  ciphers: optional(text('OpenSSL cipher string, e.g. `DEFAULT@SECLEVEL=2`.')),
  ecdhCurve: optional(text('Key-exchange groups the client offers, e.g. `P-256`.')),
  alpn: texts('ALPN protocols the client offers, in preference order.', 'an ALPN protocol id'),
  allowPartialTrustChain: flag('Accept a chain that ends at a trusted intermediate (X509_V_FLAG_PARTIAL_CHAIN).'),
  revocation: optional(ref(ClientRevocationSchema, 'Revocation checking by the client (tlsgate-side); default none.')),
  legacyServerConnect: LegacyServerConnect,
  minDHSize: MinDhSize,
  toolFlags: ToolFlags,
  environment: optional(ref(ClientEnvironmentSchema, 'How the client\'s Node process is started (NODE_EXTRA_CA_CERTS, SSL_CERT_FILE, OPENSSL_CONF, Node flags): the client then runs in a worker process started that way.')),
  library: optional(ref(LibraryOptionsSchema, 'Options only the library driver (axios, got, ws, grpc-js...) understands, checked against that driver\'s own schema.')),
  proxy: optional(ref(ClientProxySchema, 'Reach the server through an HTTP CONNECT proxy tlsgate runs (HTTP-family library drivers).')),
}));

const PeerExpectationSchema = closed('What the client saw of the server certificate.', {
  subject: optional(text('Subject as Node prints it, e.g. `CN=localhost`.')),
  san: texts('subjectAltName entries as Node prints them, e.g. `DNS:localhost`.', 'a SAN entry'),
  spiffeId: optional(text('The SPIFFE ID (URI SAN) of the server certificate.')),
});

export const ExpectationSchema = named('expectation', closed('What a connection must do.', {
  outcome: stringEnum(OUTCOMES, 'accept: the handshake completes and data flows; reject: it does not.'),
  code: optional(Type.Union([
    Type.String({ minLength: 1 }),
    Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
  ], {
    description: 'The exact error code, or a list of codes any one of which matches (e.g. CERT_HAS_EXPIRED).',
    errorMessage: 'must be an error code or a list of codes',
  })),
  category: optional(stringEnum(CATEGORIES, 'The stable error category (see README), e.g. expired or hostname-mismatch.')),
  side: optional(stringEnum(SIDES, 'Which side refused: client or server.')),
  message: optional(text('A regular expression the error message must match.')),
  protocol: optional(ref(TlsVersionSchema, 'The negotiated TLS version.')),
  cipher: optional(text('The negotiated cipher suite, e.g. TLS_AES_256_GCM_SHA384.')),
  group: optional(Type.Union([Type.String({ minLength: 1 }), Type.Literal(false)], {
    description: 'The negotiated key-exchange group, e.g. X25519, or false for none reported (a resumed TLS 1.2 session).',
    errorMessage: 'must be a group name, or false for none reported',
  })),
  alpn: optional(Type.Union([Type.String({ minLength: 1 }), Type.Literal(false)], {
    description: 'The negotiated ALPN protocol, or false for none.',
    errorMessage: 'must be an ALPN protocol id, or false for none',
  })),
  peer: optional(PeerExpectationSchema),
  clientCert: optional(closed('What the server saw of the client certificate.', {
    presented: flag('The client sent a certificate.'),
    authorized: flag('The server accepted it.'),
  })),
  revocationChecked: optional(Type.Array(stringEnum(REVOCATION_SOURCES, 'a revocation source'), {
    description: 'Revocation sources that must have been asked: crl, ocsp, staple.',
    uniqueItems: true,
  })),
  reused: ReusedExpectationSchema,
  authenticatedBy: AuthenticatedBySchema,
}));

export { STACK_COMPONENTS } from './format/stack-components.js';

const versionRange = (what: string) => optional(text(`A semver range of ${what}, e.g. \`>=22\` or \`>=3.2 <3.5\` (npm's semver syntax).`));

export const StackSelectorSchema = named('stackSelector', closed('The stacks a declaration applies to: every range given must match the versions of the runtime that ran the scenario.', {
  node: versionRange('Node versions'),
  openssl: versionRange('OpenSSL versions (process.versions.openssl, e.g. 3.0.15+quic)'),
  undici: versionRange('undici versions (the undici driver\'s package)'),
  library: optional(ref(LibraryVersionsSchema, 'Versions of the npm library the client driver ran (axios, pg, @grpc/grpc-js, undici...), as it reports them.')),
}, { minProperties: 1 }));

export const StackOverrideSchema = named('stackOverride', closed('What the connection does on some stacks, instead of `expect`: the first entry whose `when` matches replaces `expect` whole. It must state every field `expect` states (an override is as exact as the default).', {
  when: ref(StackSelectorSchema, 'The stacks this applies to.'),
  expect: ref(ExpectationSchema, 'The whole expectation on those stacks.'),
  because: text('The change that makes these stacks differ: a release note, a CVE, an upstream issue.'),
}));

export const KnownRegressionSchema = named('knownRegression', closed('A known upstream bug: the scenario still fails on these stacks, and the failure cites the reference and the fixed version.', {
  when: ref(StackSelectorSchema, 'The stacks that have the bug.'),
  ref: text('The upstream reference, e.g. nodejs/node#12345 or a CVE.'),
  fixed: optional(text('The first version with the fix, e.g. 22.24.0 (of the component `when` names).')),
}));

const stackOverrides = (what: string) => optional(Type.Array(ref(StackOverrideSchema), { description: `What ${what} does on other stacks, each with why; the first match replaces \`expect\`.`, minItems: 1 }));

export const StepSchema = named('step', closed('A further connection.', {
  revoke: certRefs('Revoke these certificates (pki.certs ids) before this connection.'),
  unrevoke: certRefs('Lift the revocation of these certificates before this connection.'),
  resume: flag('Resume the previous connection\'s TLS session.'),
  wait: WaitSchema,
  rotate: RotateSchema,
  retrust: RetrustSchema,
  connection: ConnectionSchema,
  expect: ref(ExpectationSchema, 'What this connection must do.'),
  stacks: stackOverrides('this connection'),
}));

export const FaultSpecSchema = named('faultSpec', closed('A fault a revocation server injects.', {
  server: stringEnum(REVOCATION_SERVERS, 'Which server: crl or ocsp.'),
  ca: optional(ref(CertRef, 'The fault applies to every request about this CA (give ca or cert, not both).')),
  cert: optional(ref(CertRef, 'The fault applies to requests about this certificate only (give ca or cert, not both).')),
  fault: ref(FaultSchema, 'What goes wrong: `{ kind: ... }`.'),
}, {
  allOf: [{
    oneOf: [{ type: 'object', required: ['ca'] }, { type: 'object', required: ['cert'] }],
    errorMessage: 'give exactly one of ca or cert',
  }],
}));

export const DefaultsSchema = named('defaults', closed('Defaults for every scenario of this file.', {
  tags: optional(Type.Array(ref(Tag), { description: 'Tags every scenario gets (in addition to its own).' })),
  server: optional(ref(ServerEndSchema, 'Server settings every scenario starts from; a scenario\'s own server keys win.')),
  client: optional(ref(ClientEndSchema, 'Client settings every scenario starts from; a scenario\'s own client keys win.')),
  timeoutMs: optional(ref(TimeoutMs, 'Per-connection timeout in ms for every scenario.')),
}));

export const ScenarioSchema = named('scenario', closed('One scenario: a `name`, what to `expect`, and optionally server, client, then, faults...', {
  name: text('Unique in this file; the scenario id is `<file>#<name>`.', {
    pattern: '^\\S(.*\\S)?$',
    errorMessage: 'a name is one line without leading or trailing spaces',
  }),
  description: optional(text('What regression this scenario guards against.')),
  tags: optional(Type.Array(ref(Tag), { description: 'Tags for `--tag`, added to the defaults\' tags.' })),
  server: optional(ref(ServerEndSchema, 'The server end; merged over defaults.server.')),
  client: optional(ref(ClientEndSchema, 'The client end; merged over defaults.client.')),
  expect: ref(ExpectationSchema, 'What the first connection must do: `outcome` accept or reject, and optionally code, category, side...'),
  stacks: stackOverrides('the first connection'),
  known: optional(Type.Array(ref(KnownRegressionSchema), { description: 'Known upstream bugs that make this scenario fail on some stacks: it still fails there, citing them.', minItems: 1 })),
  then: optional(Type.Array(ref(StepSchema), { description: 'Further connections, in order, each after optional revocation changes.', minItems: 1 })),
  faults: optional(Type.Array(ref(FaultSpecSchema), { description: 'Faults the CRL server or OCSP responder inject during this scenario.' })),
  timeoutMs: optional(ref(TimeoutMs, 'Per-connection timeout in ms; overrides defaults and --timeout.')),
  skip: optional(text('Skip this scenario on this stack, with the reason.')),
}));

export const ScenarioFileSchema = closed('A PKI, defaults, and scenarios: each scenario is one real TLS handshake (or a few) with the outcome it must have.', {
  pki: optional(ref(Pki, 'The certificates the scenarios of this file use: generated ones (`certs`), who is revoked at start (`revoked`), and PEM files on disk (`files`).')),
  defaults: optional(ref(DefaultsSchema, 'Settings merged under every scenario of this file: tags are added, server and client keys are filled in where a scenario leaves them out.')),
  scenarios: Type.Array(ref(ScenarioSchema), { description: 'The scenarios: each one a handshake and what must happen.', minItems: 1 }),
}, { title: 'tlsgate scenario file' });

/** the `definitions` of the published schema, in the order the file lists them */
export const SCENARIO_DEFINITIONS = {
  certId: CertId, certRef: CertRef, timeSpec: TimeSpecSchema, tlsVersion: TlsVersionSchema, tag: Tag, timeoutMs: TimeoutMs,
  urlList: UrlList, subtrees: Subtrees, pki: Pki, pemFile: PemFile, certSpec: CertSpecSchema, responderSpec: ResponderSpecSchema,
  revocationSpec: RevocationSpecSchema, defaults: DefaultsSchema, scenario: ScenarioSchema, serverEnd: ServerEndSchema,
  clientEnd: ClientEndSchema, clientEnvironment: ClientEnvironmentSchema, libraryOptions: LibraryOptionsSchema, clientProxy: ClientProxySchema, clientRevocation: ClientRevocationSchema,
  expectation: ExpectationSchema, stackSelector: StackSelectorSchema, libraryVersions: LibraryVersionsSchema, stackOverride: StackOverrideSchema,
  knownRegression: KnownRegressionSchema, step: StepSchema, faultSpec: FaultSpecSchema, fault: FaultSchema,
};
