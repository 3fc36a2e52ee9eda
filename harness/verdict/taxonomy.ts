/**
 * The error taxonomy: raw codes and messages (which change between OpenSSL, Node and undici
 * versions) -> stable categories (which do not). Scenarios should expect categories; codes are
 * kept in observations for humans and drift reports.
 *
 * Lookup order in `categorize`:
 *   1. CODE_CATEGORIES: the exact code (X509 verification codes as Node names them, OpenSSL
 *      `ERR_SSL_*` reasons, Node/undici socket codes, tlsgate's own `TLSGATE_*` codes);
 *   2. tlsgate-convention codes `TLSGATE_<CATEGORY>[_<detail>]`, e.g. `TLSGATE_REVOKED_OCSP`
 *      -> revoked (longest category wins), so a hook or plug-in can name its category;
 *   3. MESSAGE_CATEGORIES: for `UNSPECIFIED` (Node names only 28 X509 errors; name constraints,
 *      key size and digest strength all arrive as UNSPECIFIED + message) and unknown codes;
 *   4. CODE_PREFIX_CATEGORIES: whole families (`ERR_OSSL_*`, `ERR_CRYPTO_*`: a configuration the
 *      library refused to load);
 *   5. `unknown`.
 *
 * Mapping decisions (verified on Node 20.20.2 / OpenSSL 3.0.19 unless marked):
 * - A certificate a TLS end cannot even load because of key size or digest
 *   (ERR_SSL_EE_KEY_TOO_SMALL, ERR_SSL_CA_KEY_TOO_SMALL, ERR_SSL_CA_MD_TOO_WEAK) is weak-key /
 *   weak-signature, not config-error: the category says why trust failed; `side` says where.
 * - SSLV3_ALERT_HANDSHAKE_FAILURE is OpenSSL's generic "negotiation failed" alert; alone it means
 *   no-shared-cipher (its usual cause). observe.ts prefers the refusing server's own, more
 *   precise reason (NO_SHARED_CIPHER, PEER_DID_NOT_RETURN_A_CERTIFICATE, ...) when it has one.
 * - NO_SUITABLE_KEY_SHARE / no shared groups count as no-shared-cipher: the taxonomy has no
 *   separate key-exchange category and both mean "the two ends share no usable parameters".
 * - A CA:false intermediate is reported by Node as INVALID_PURPOSE ("unsuitable certificate
 *   purpose"; Node keeps the last error, `openssl verify` stops at INVALID_CA), so it lands in
 *   bad-purpose. A CA without basicConstraints is INVALID_CA -> not-a-ca; a CA whose keyUsage
 *   lacks keyCertSign is UNSPECIFIED "key usage does not include certificate signing" -> not-a-ca.
 * - Received certificate alerts (unknown_ca, certificate_expired, ...) are mapped by meaning;
 *   observe.ts turns any server-side refusal of a client certificate into client-cert-rejected.
 */
import type { Category } from '../model/domain.js';
import { alertInCode } from '../model/tls-alerts.js';
import { CATEGORIES } from '../model/categories.js';

/** exact code -> category */
export const CODE_CATEGORIES: Readonly<Record<string, Category>> = {
  // X509 verification results, the 28 codes Node names (crypto_common.cc X509ErrorCode)
  CERT_HAS_EXPIRED: 'expired',
  CERT_NOT_YET_VALID: 'not-yet-valid',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'untrusted-root',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'untrusted-root',
  CERT_UNTRUSTED: 'untrusted-root',
  CERT_REJECTED: 'untrusted-root',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'incomplete-chain',
  UNABLE_TO_GET_ISSUER_CERT: 'incomplete-chain',
  HOSTNAME_MISMATCH: 'hostname-mismatch',
  INVALID_PURPOSE: 'bad-purpose',
  INVALID_CA: 'not-a-ca',
  PATH_LENGTH_EXCEEDED: 'path-length',
  CERT_CHAIN_TOO_LONG: 'path-length',
  CERT_SIGNATURE_FAILURE: 'bad-signature',
  UNABLE_TO_DECRYPT_CERT_SIGNATURE: 'bad-signature',
  UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: 'malformed-cert',
  ERROR_IN_CERT_NOT_BEFORE_FIELD: 'malformed-cert',
  ERROR_IN_CERT_NOT_AFTER_FIELD: 'malformed-cert',
  CERT_REVOKED: 'revoked',
  UNABLE_TO_GET_CRL: 'revocation-unavailable',
  CRL_HAS_EXPIRED: 'revocation-stale',
  CRL_NOT_YET_VALID: 'revocation-stale',
  CRL_SIGNATURE_FAILURE: 'revocation-invalid',
  UNABLE_TO_DECRYPT_CRL_SIGNATURE: 'revocation-invalid',
  ERROR_IN_CRL_LAST_UPDATE_FIELD: 'revocation-invalid',
  ERROR_IN_CRL_NEXT_UPDATE_FIELD: 'revocation-invalid',
  OUT_OF_MEM: 'unknown',
  // Node's own hostname check
  ERR_TLS_CERT_ALTNAME_INVALID: 'hostname-mismatch',

  // protocol version negotiation
  ERR_SSL_UNSUPPORTED_PROTOCOL: 'protocol-mismatch',
  ERR_SSL_NO_PROTOCOLS_AVAILABLE: 'protocol-mismatch',
  ERR_SSL_WRONG_SSL_VERSION: 'protocol-mismatch',
  ERR_SSL_UNSUPPORTED_SSL_VERSION: 'protocol-mismatch',
  ERR_SSL_VERSION_TOO_LOW: 'protocol-mismatch',
  ERR_SSL_VERSION_TOO_HIGH: 'protocol-mismatch',
  ERR_SSL_UNSAFE_LEGACY_RENEGOTIATION_DISABLED: 'protocol-mismatch',
  // cipher suite / group / signature algorithm negotiation
  ERR_SSL_NO_SHARED_CIPHER: 'no-shared-cipher',
  ERR_SSL_NO_CIPHERS_AVAILABLE: 'no-shared-cipher',
  ERR_SSL_NO_SUITABLE_KEY_SHARE: 'no-shared-cipher',
  ERR_SSL_NO_SHARED_GROUPS: 'no-shared-cipher',
  ERR_SSL_NO_SHARED_SIGNATURE_ALGORITHMS: 'no-shared-cipher',
  ERR_SSL_NO_SUITABLE_SIGNATURE_ALGORITHM: 'no-shared-cipher',
  // ALPN
  ERR_SSL_NO_APPLICATION_PROTOCOL: 'alpn-mismatch',
  // client certificates
  ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE: 'client-cert-required',
  TLSGATE_SPIFFE_ID_REJECTED: 'client-cert-rejected',
  // tlsgate's own revocation checks (harness/session/revocation): OCSP, staples, CRLs it reads itself
  TLSGATE_OCSP_REVOKED: 'revoked',
  TLSGATE_CRL_REVOKED: 'revoked',
  TLSGATE_OCSP_UNKNOWN: 'revocation-unavailable',
  TLSGATE_OCSP_INVALID: 'revocation-invalid',
  TLSGATE_CRL_INVALID: 'revocation-invalid',
  TLSGATE_MUST_STAPLE_MISSING: 'revocation-unavailable',
  // weak material refused when loading it (createSecureContext)
  ERR_SSL_EE_KEY_TOO_SMALL: 'weak-key',
  ERR_SSL_CA_KEY_TOO_SMALL: 'weak-key',
  ERR_SSL_CA_MD_TOO_WEAK: 'weak-signature',
  ERR_SSL_ECC_CERT_NOT_FOR_SIGNING: 'bad-purpose',
  // a DHE group below the client's floor: Node's own minDHSize check
  ERR_TLS_DH_PARAM_SIZE: 'weak-key',
  // the peer did not speak TLS (or spoke it wrongly)
  ERR_SSL_WRONG_VERSION_NUMBER: 'protocol-error',
  ERR_SSL_HTTP_REQUEST: 'protocol-error',
  ERR_SSL_HTTPS_PROXY_REQUEST: 'protocol-error',
  ERR_SSL_PACKET_LENGTH_TOO_LONG: 'protocol-error',
  ERR_SSL_RECORD_LAYER_FAILURE: 'protocol-error',
  ERR_SSL_UNEXPECTED_MESSAGE: 'protocol-error',
  ERR_SSL_UNEXPECTED_EOF_WHILE_READING: 'reset',
  TLSGATE_UNEXPECTED_RESPONSE: 'protocol-error',
  // TLS-framed garbage from a hostile peer (seen with scenarios/robustness and test/robustness)
  ERR_SSL_INVALID_ALERT: 'protocol-error',
  ERR_SSL_BAD_CHANGE_CIPHER_SPEC: 'protocol-error',
  ERR_SSL_EXCESSIVE_MESSAGE_SIZE: 'protocol-error',
  ERR_SSL_BAD_LENGTH: 'protocol-error',
  ERR_SSL_LENGTH_MISMATCH: 'protocol-error',
  ERR_SSL_BAD_PACKET_LENGTH: 'protocol-error',
  ERR_SSL_RECORD_LENGTH_MISMATCH: 'protocol-error',
  ERR_SSL_BAD_RECORD_TYPE: 'protocol-error',
  ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC: 'protocol-error',
  // local configuration a library refused
  ERR_SSL_NO_CIPHER_MATCH: 'config-error',
  ERR_TLS_INVALID_PROTOCOL_VERSION: 'config-error',
  ERR_TLS_PROTOCOL_VERSION_CONFLICT: 'config-error',
  ERR_INVALID_ARG_TYPE: 'config-error',
  ERR_INVALID_ARG_VALUE: 'config-error',
  TLSGATE_CONFIG_ERROR: 'config-error',
  UND_ERR_INVALID_ARG: 'config-error',
  // transport
  ECONNRESET: 'reset',
  // the external client drivers (harness/drivers/portable/external/): curl's exit statuses and
  // GnuTLS's error names; verification failures arrive as Node's X509 names and are mapped above
  CURLE_GOT_NOTHING: 'reset',
  CURLE_RECV_ERROR: 'reset',
  CURLE_SEND_ERROR: 'reset',
  CURLE_OPERATION_TIMEDOUT: 'timeout',
  CURLE_SSL_CIPHER: 'no-shared-cipher',
  CURLE_SSL_INVALIDCERTSTATUS: 'revocation-invalid',
  GNUTLS_E_PREMATURE_TERMINATION: 'reset',
  GNUTLS_E_PUSH_ERROR: 'reset',
  GNUTLS_E_NO_CIPHER_SUITES: 'no-shared-cipher',
  GNUTLS_E_INSUFFICIENT_SECURITY: 'no-shared-cipher',
  GNUTLS_E_UNSUPPORTED_VERSION_PACKET: 'protocol-mismatch',
  GNUTLS_E_SAFE_RENEGOTIATION_FAILED: 'protocol-mismatch',
  // an RST in answer to the SYN: nothing listens (a peer that died before accepting)
  ECONNREFUSED: 'reset',
  EPIPE: 'reset',
  UND_ERR_SOCKET: 'reset',
  UND_ERR_CLOSED: 'reset',
  TLSGATE_CLOSED_AFTER_HANDSHAKE: 'reset',
  TLSGATE_CLOSED_DURING_HANDSHAKE: 'reset',
  TLSGATE_TIMEOUT: 'timeout',
  ETIMEDOUT: 'timeout',
  ERR_TLS_HANDSHAKE_TIMEOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  // client libraries (harness/drivers/library): axios, got, node-fetch and ws pass Node's own
  // codes on; grpc-js gives its status name, whose details carry Node's reason (UNAVAILABLE is
  // read from the message, like UNSPECIFIED)
  DEADLINE_EXCEEDED: 'timeout',
};

/**
 * received TLS alert -> category, by the alert's name: OpenSSL 3.0 and 3.2+ spell the same
 * alert differently in codes (ERR_SSL_SSLV3_ALERT_X vs ERR_SSL_SSL/TLS_ALERT_X), and a category
 * must not change with the spelling (see tls-alerts.ts)
 */
export const ALERT_CATEGORIES: Readonly<Record<string, Category>> = {
  protocol_version: 'protocol-mismatch',
  inappropriate_fallback: 'protocol-mismatch',
  handshake_failure: 'no-shared-cipher',
  insufficient_security: 'no-shared-cipher',
  no_application_protocol: 'alpn-mismatch',
  certificate_required: 'client-cert-required',
  unknown_ca: 'untrusted-root',
  certificate_expired: 'expired',
  certificate_revoked: 'revoked',
  bad_certificate: 'client-cert-rejected',
  unsupported_certificate: 'client-cert-rejected',
  certificate_unknown: 'client-cert-rejected',
  access_denied: 'client-cert-rejected',
  bad_certificate_status_response: 'revocation-invalid',
  unexpected_message: 'protocol-error',
  illegal_parameter: 'protocol-error',
  decode_error: 'protocol-error',
  decrypt_error: 'protocol-error',
  internal_error: 'protocol-error',
};

/** message pattern -> category, first match wins (order: most specific first) */
export const MESSAGE_CATEGORIES: ReadonlyArray<readonly [RegExp, Category]> = [
  // "unsupported or invalid name syntax": a SAN the name-constraint check cannot parse (an
  // iPAddress of neither 4 nor 16 octets, an email without @, a URI without //)
  [/permitted subtree violation|excluded subtree violation|name constraint|unsupported or invalid name syntax/i, 'name-constraints'],
  [/key too (?:weak|small)|EE_KEY_TOO_SMALL|CA_KEY_TOO_SMALL/i, 'weak-key'],
  [/md too weak|digest algorithm too weak|MD_TOO_WEAK/i, 'weak-signature'],
  [/unhandled critical (?:extension|CRL extension)/i, 'unsupported-extension'],
  [/invalid non-CA certificate|invalid CA certificate|basic ?constraints|key usage does not include certificate signing/i, 'not-a-ca'],
  [/un(?:suitable|supported) certificate purpose|key usage does not include|not for signing/i, 'bad-purpose'],
  [/path length constraint exceeded|certificate chain too long/i, 'path-length'],
  [/certificate has expired/i, 'expired'],
  [/certificate is not yet valid/i, 'not-yet-valid'],
  [/self[- ]signed certificate in certificate chain|unable to get local issuer certificate|certificate not trusted|unknown ca/i, 'untrusted-root'],
  [/self[- ]signed certificate/i, 'self-signed'],
  [/unable to verify the first certificate|unable to get issuer certificate|subject issuer mismatch|key identifier mismatch/i, 'incomplete-chain'],
  [/hostname\/ip does not match|hostname mismatch|not in the cert's altnames|IP address mismatch/i, 'hostname-mismatch'],
  [/certificate signature failure|signature verification failure/i, 'bad-signature'],
  [/revoked/i, 'revoked'],
  [/unable to get certificate CRL/i, 'revocation-unavailable'],
  [/CRL has expired|CRL is not yet valid/i, 'revocation-stale'],
  [/CRL signature failure|unable to decrypt CRL/i, 'revocation-invalid'],
  [/format error in certificate|invalid or inconsistent certificate extension|unable to decode issuer public key/i, 'malformed-cert'],
  [/peer did not return a certificate|certificate required/i, 'client-cert-required'],
  // PostgreSQL's refusal at authentication (pg_hba.conf `clientcert=verify-ca`, or `cert` auth), after the handshake
  [/connection requires a valid client certificate/i, 'client-cert-required'],
  // PostgreSQL's `hostssl`-only refusal of a client that started without TLS (pg `ssl: false`, `sslmode=disable`)
  [/pg_hba\.conf entry .*no encryption/i, 'protocol-mismatch'],
  [/no shared cipher|no ciphers available|no suitable key share|no shared (?:groups|signature)/i, 'no-shared-cipher'],
  [/alert handshake failure/i, 'no-shared-cipher'],
  [/alert (?:bad certificate|certificate unknown|unsupported certificate|access denied)/i, 'client-cert-rejected'],
  [/alert certificate expired/i, 'expired'],
  [/unsupported protocol|wrong ssl version|no protocols available|alert protocol version|version too (?:low|high)/i, 'protocol-mismatch'],
  [/no application protocol/i, 'alpn-mismatch'],
  [/wrong version number|http request|packet length too long/i, 'protocol-error'],
  [/mac verify failure|bad decrypt|unsupported pkcs12|failed to parse|no cipher match|key values mismatch/i, 'config-error'],
  [/timed? ?out|timeout/i, 'timeout'],
  [/socket hang up|other side closed|ECONNRESET|disconnected before secure TLS connection/i, 'reset'],
];

/** code prefix -> category, for whole families of library errors */
export const CODE_PREFIX_CATEGORIES: ReadonlyArray<readonly [string, Category]> = [
  ['ERR_OSSL_', 'config-error'],
  ['ERR_CRYPTO_', 'config-error'],
];

/** codes that say nothing on their own: look at the message */
const UNINFORMATIVE = new Set(['UNSPECIFIED', 'ERR_SSL_CERTIFICATE_VERIFY_FAILED', 'EPROTO', 'UNAVAILABLE']);

export function categorize(code: string | undefined, message: string | undefined): Category {
  const exact = code && !UNINFORMATIVE.has(code) ? exactCategory(code) : undefined;
  if (exact) return exact;
  // a library that wraps the TLS error (mysql2 HANDSHAKE_SSL_ERROR, nodemailer ESOCKET) keeps its
  // own code; its driver names the cause as `[cause: CODE]` (drivers/library/protocols/protocol-exchange.ts)
  const cause = message?.match(/\[cause: ([A-Za-z0-9_]+)\]/)?.[1];
  const causeCategory = cause && !UNINFORMATIVE.has(cause) ? exactCategory(cause) : undefined;
  if (causeCategory) return causeCategory;
  if (message) {
    for (const [pattern, category] of MESSAGE_CATEGORIES) if (pattern.test(message)) return category;
  }
  if (code) {
    for (const [prefix, category] of CODE_PREFIX_CATEGORIES) if (code.startsWith(prefix)) return category;
  }
  return 'unknown';
}

function exactCategory(code: string): Category | undefined {
  const alert = alertInCode(code);
  return CODE_CATEGORIES[code] ?? (alert !== undefined ? ALERT_CATEGORIES[alert] : undefined) ?? conventionCategory(code);
}

/** categories longest first, so TLSGATE_REVOCATION_STALE does not stop at a shorter match */
const CONVENTION = [...CATEGORIES]
  .map((c) => [c, `TLSGATE_${c.toUpperCase().replace(/-/g, '_')}`] as const)
  .sort((a, b) => b[1].length - a[1].length);

/** `TLSGATE_<CATEGORY>` or `TLSGATE_<CATEGORY>_<detail>` */
function conventionCategory(code: string): Category | undefined {
  for (const [category, prefix] of CONVENTION) {
    if (code === prefix || code.startsWith(`${prefix}_`)) return category;
  }
  return undefined;
}
