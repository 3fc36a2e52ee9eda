/**
 * Error codes that more than one layer names: the drivers record them, the verdict side reads
 * them. Standard library only (nothing at all): the drivers run inside any Node under test.
 */

/** tlsgate's own codes for what a peer did (see README.md and harness/verdict/taxonomy.ts) */
export const CODES = {
  /** no answer within the plan's timeout */
  timeout: 'TLSGATE_TIMEOUT',
  /** the handshake completed, then the peer closed without data and without an alert */
  closedAfterHandshake: 'TLSGATE_CLOSED_AFTER_HANDSHAKE',
  /** the transport closed before the handshake completed, with no error reported */
  closedDuringHandshake: 'TLSGATE_CLOSED_DURING_HANDSHAKE',
  /** the server answered, but not `tlsgate-ok` */
  unexpectedResponse: 'TLSGATE_UNEXPECTED_RESPONSE',
  /** the library refused the plan itself (bad key, unloadable PKCS#12, ...) and gave no code */
  configError: 'TLSGATE_CONFIG_ERROR',
  /** an afterHandshake hook threw instead of deciding */
  hookFailed: 'TLSGATE_HOOK_FAILED',
} as const;

/** OpenSSL's code on the server when a required client certificate never came */
export const NO_CLIENT_CERT = 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE';

/** the node-tls server refused the client certificate's SPIFFE ID (after a good handshake) */
export const SPIFFE_REJECTED = 'TLSGATE_SPIFFE_ID_REJECTED';
