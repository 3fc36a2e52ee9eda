/**
 * Codes the protocol servers record when they, not their TLS layer, refuse a client. They follow
 * tlsgate's `TLSGATE_<CATEGORY>[_detail]` convention, so harness/verdict/taxonomy.ts maps them
 * by name.
 */
/** the client started the protocol without TLS on a server that allows only TLS */
export const PLAINTEXT_REFUSED = 'TLSGATE_PROTOCOL_MISMATCH_PLAINTEXT';
/** the product refuses a missing client certificate after the handshake (Postgres, MySQL) */
export const CLIENT_CERT_REQUIRED = 'TLSGATE_CLIENT_CERT_REQUIRED_AT_LOGIN';
