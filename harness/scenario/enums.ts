/**
 * The closed sets of the scenario file format that the model declares only as TypeScript union
 * types. The JSON Schema's enums must equal these arrays (a test checks it); the `Exhaustive`
 * checks below fail to compile when a union gains a member the array lacks.
 */
import type { ExtKeyUsageName, KeyUsageName, ResponderSpec } from '../../ca/spec.js';
import type { FaultKind, OcspErrorStatus } from '../../ca/revocation-types.js';
import type { ClientCertPolicy, ClientEnd, Expectation, FailurePolicy, FaultSpec, NodeTlsFlag, RevocationMode, ServerEnd, Side, TlsVersion } from '../model.js';

/** true only when `List` names every member of `Union` */
type Exhaustive<Union, List extends readonly Union[]> = [Exclude<Union, List[number]>] extends [never] ? true : false;

export const TLS_VERSIONS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const satisfies readonly TlsVersion[];
export const FAULT_KINDS = [
  'delay', 'hang', 'http-status', 'truncate', 'garbage', 'trickle', 'endless', 'stale', 'future',
  'wrong-key', 'signer-without-eku', 'certid-mismatch', 'nonce-mismatch', 'unknown-status', 'ocsp-status',
] as const satisfies readonly FaultKind[];
export const OCSP_ERROR_STATUSES = ['malformedRequest', 'internalError', 'tryLater', 'sigRequired', 'unauthorized'] as const satisfies readonly OcspErrorStatus[];
export const KEY_USAGES = [
  'digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement',
  'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly',
] as const satisfies readonly KeyUsageName[];
export const EXT_KEY_USAGES = ['serverAuth', 'clientAuth', 'codeSigning', 'emailProtection', 'timeStamping', 'ocspSigning'] as const satisfies readonly ExtKeyUsageName[];
export const CLIENT_CERT_POLICIES = ['none', 'request', 'require'] as const satisfies readonly ClientCertPolicy[];
export const REVOCATION_MODES = ['none', 'crl', 'ocsp', 'ocsp-stapled', 'ocsp-then-crl'] as const satisfies readonly RevocationMode[];
export const FAILURE_POLICIES = ['hard', 'soft'] as const satisfies readonly FailurePolicy[];
export const SIDES = ['client', 'server'] as const satisfies readonly Side[];
export const OUTCOMES = ['accept', 'reject'] as const satisfies readonly Expectation['outcome'][];
export const REVOCATION_SOURCES = ['crl', 'ocsp', 'staple'] as const satisfies readonly NonNullable<Expectation['revocationChecked']>[number][];
export const CONNECT_ADDRESSES = ['127.0.0.1', '::1'] as const satisfies readonly ClientEnd['connect'][];
export const IDENTITY_FORMATS = ['pem', 'pkcs12'] as const satisfies readonly ClientEnd['identityFormat'][];
export const STAPLE_MODES = ['none', 'responder'] as const satisfies readonly NonNullable<ServerEnd['staple']>[];
export const RESPONDER_IDS = ['name', 'key'] as const satisfies readonly NonNullable<ResponderSpec['responderId']>[];
export const REVOCATION_SERVERS = ['crl', 'ocsp'] as const satisfies readonly FaultSpec['server'][];
export const NODE_TLS_FLAGS = [
  '--use-openssl-ca', '--use-bundled-ca', '--openssl-legacy-provider',
  '--tls-min-v1.0', '--tls-min-v1.1', '--tls-min-v1.2', '--tls-min-v1.3', '--tls-max-v1.2', '--tls-max-v1.3',
] as const satisfies readonly NodeTlsFlag[];

// Compile-time only: each line stops compiling when its union outgrows its array.
const exhaustive: Array<true> = [
  true satisfies Exhaustive<TlsVersion, typeof TLS_VERSIONS>,
  true satisfies Exhaustive<FaultKind, typeof FAULT_KINDS>,
  true satisfies Exhaustive<OcspErrorStatus, typeof OCSP_ERROR_STATUSES>,
  true satisfies Exhaustive<KeyUsageName, typeof KEY_USAGES>,
  true satisfies Exhaustive<ExtKeyUsageName, typeof EXT_KEY_USAGES>,
  true satisfies Exhaustive<ClientCertPolicy, typeof CLIENT_CERT_POLICIES>,
  true satisfies Exhaustive<RevocationMode, typeof REVOCATION_MODES>,
  true satisfies Exhaustive<FailurePolicy, typeof FAILURE_POLICIES>,
  true satisfies Exhaustive<Side, typeof SIDES>,
  true satisfies Exhaustive<Expectation['outcome'], typeof OUTCOMES>,
  true satisfies Exhaustive<NonNullable<Expectation['revocationChecked']>[number], typeof REVOCATION_SOURCES>,
  true satisfies Exhaustive<ClientEnd['connect'], typeof CONNECT_ADDRESSES>,
  true satisfies Exhaustive<ClientEnd['identityFormat'], typeof IDENTITY_FORMATS>,
  true satisfies Exhaustive<NonNullable<ServerEnd['staple']>, typeof STAPLE_MODES>,
  true satisfies Exhaustive<FaultSpec['server'], typeof REVOCATION_SERVERS>,
  true satisfies Exhaustive<NonNullable<ResponderSpec['responderId']>, typeof RESPONDER_IDS>,
  true satisfies Exhaustive<NodeTlsFlag, typeof NODE_TLS_FLAGS>,
];
void exhaustive;
