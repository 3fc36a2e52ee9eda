/**
 * ClientObservation + ServerObservation -> one Observation: the outcome, the code and message
 * as the client saw them, and the two things neither end can decide alone: which side refused
 * and the category.
 *
 * Rules (the client's outcome is the outcome: the client is the stack under test):
 *  1. Accepted: no code, category or side.
 *  2. The client refused on its own: its code is not "the peer hung up" (reset-like) and not an
 *     alert it received. Side client; category from the client's code/message. This covers
 *     chain and hostname verification, revocation (OpenSSL's or tlsgate's afterHandshake
 *     hooks), local configuration errors, and `ERR_SSL_NO_PROTOCOLS_AVAILABLE`-style refusals
 *     to even start.
 *  3. The peer ended it (an alert received, a reset, a close without an answer) and the server
 *     recorded why. Side server; category from the server's reason, which is more precise than
 *     the client's view (a received handshake_failure alert can mean no shared cipher or, under
 *     TLS 1.2, no client certificate):
 *       - it refused the client certificate (`authorizationError`, Node destroys without an
 *         alert): no certificate presented -> client-cert-required, otherwise
 *         client-cert-rejected (the raw reason stays in `server.authorizationError`);
 *       - `PEER_DID_NOT_RETURN_A_CERTIFICATE` -> client-cert-required;
 *       - any other handshake error it raised -> the taxonomy of that code (NO_SHARED_CIPHER,
 *         UNSUPPORTED_PROTOCOL, NO_APPLICATION_PROTOCOL, ...).
 *  4. The peer ended it and the server recorded nothing useful (or is not ours): side server
 *     for a received alert or a reset; category from the client's code.
 *  5. A timeout says nothing about who refused: side stays unset unless rule 3 applies.
 *  6. The client's UNABLE_TO_VERIFY_LEAF_SIGNATURE means "no usable issuer for the leaf"; where
 *     the issuer was (leaf-issuer.ts) gives the category: incomplete-chain when the server left
 *     out an intermediate, untrusted-root when a root the client does not trust issued the leaf,
 *     malformed-cert when the issuer was there and the leaf does not link to it (with a note in
 *     `warnings`).
 * The group is the key exchange's, in one spelling (group-names.ts): none for a resumed TLS 1.2
 * session, which exchanges no key.
 * `code`/`message` always stay the client's, so scenarios can expect what a client sees
 * (`ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED`); the server's raw codes stay in `server`.
 */
import { NO_CLIENT_CERT, SPIFFE_REJECTED } from '../model/codes.js';
import type { TlsSetupError } from '../drivers/portable/setup-error.js';
import type {
  Category, ClientObservation, Observation, RevocationCheck, RevocationRequest, ServerObservation, Side,
} from '../model/domain.js';
import { keyExchangeGroup } from './group-names.js';
import { UNVERIFIABLE_LEAF, unverifiableLeafCategory, type LeafIssuerPlacement } from './leaf-issuer-category.js';
import { categorize } from './taxonomy.js';
import { alertIn } from '../model/tls-alerts.js';

export interface ObserveContext {
  clientDriver: string;
  serverDriver: string;
  clientVersion?: string | undefined;
  serverVersion?: string | undefined;
  revocation: RevocationCheck[];
  revocationRequests?: RevocationRequest[];
  warnings: string[];
  totalMs: number;
  /** where the server certificate's issuer was (asked only for UNABLE_TO_VERIFY_LEAF_SIGNATURE) */
  leafIssuer?: () => LeafIssuerPlacement;
}

export function observe(client: ClientObservation, server: ServerObservation, ctx: ObserveContext): Observation {
  const { note, ...refusal } = client.outcome === 'accepted' ? {} : attributeRefusal(client, server, ctx);
  const { staple: _staple, session: _session, handshakeMs, sessionReused, outcome, code, message, alert, group: _group, ...negotiated } = client;
  const group = keyExchangeGroup(client);
  return {
    outcome,
    ...(code !== undefined ? { code } : {}),
    ...(message !== undefined ? { message } : {}),
    ...refusal,
    ...(alert !== undefined ? { alert } : {}),
    ...negotiated,
    ...(group !== undefined ? { group } : {}),
    server,
    revocation: ctx.revocation,
    revocationRequests: ctx.revocationRequests ?? [],
    warnings: note !== undefined ? [...ctx.warnings, note] : ctx.warnings,
    driver: { client: ctx.clientDriver, server: ctx.serverDriver, ...(ctx.clientVersion ? { clientVersion: ctx.clientVersion } : {}), ...(ctx.serverVersion ? { serverVersion: ctx.serverVersion } : {}) },
    ...(sessionReused !== undefined ? { sessionReused } : {}),
    timings: { ...(handshakeMs !== undefined ? { handshakeMs } : {}), totalMs: ctx.totalMs },
  };
}

/**
 * A TLS end refused its own configuration before any connection (TlsSetupError), e.g. a server
 * that cannot load its SHA-1 certificate. Observed as a rejection by that side.
 */
export function observeSetupFailure(err: TlsSetupError, ctx: ObserveContext): Observation {
  const server: ServerObservation = { handshake: false, clientCertPresented: false, authorized: false, stapleRequested: false, stapleSent: false };
  if (err.side === 'server') {
    if (err.code) server.errorCode = err.code;
    server.errorMessage = err.message;
  }
  const client: ClientObservation = { outcome: 'rejected', ...(err.code ? { code: err.code } : {}), message: err.message };
  return { ...observe(client, server, ctx), side: err.side, category: categorize(err.code, err.message) };
}

interface Refusal {
  side?: Side;
  category: Category;
  /** why the category differs from the code's literal reading */
  note?: string;
}

/** who refused (side) and why (category): attribution, not the verdict (judge.ts compares with the expectation) */
function attributeRefusal(client: ClientObservation, server: ServerObservation, ctx: ObserveContext): Refusal {
  const clientCategory = categorize(client.code, client.message);
  // a missing client certificate is always the server's refusal, also when a product refuses it
  // at login after the handshake (PostgreSQL, MySQL) and the client reports the server's message
  const peerEnded = clientCategory === 'reset' || clientCategory === 'client-cert-required' || alertIn(client.code, client.message) !== undefined;
  if (!peerEnded) {
    if (clientCategory === 'timeout') return serverReason(server) ?? { category: 'timeout' };
    if (client.code === UNVERIFIABLE_LEAF && ctx.leafIssuer) return { side: 'client', ...unverifiableLeafCategory(ctx.leafIssuer()) };
    return { side: 'client', category: clientCategory };
  }
  return serverReason(server) ?? { side: 'server', category: clientCategory };
}

/** why the server refused, when it recorded a reason worth more than "the connection reset" */
function serverReason(server: ServerObservation): Refusal | undefined {
  if (server.authorizationError && !server.authorized) {
    if (server.authorizationError === SPIFFE_REJECTED) return { side: 'server', category: 'client-cert-rejected' };
    return { side: 'server', category: server.clientCertPresented ? 'client-cert-rejected' : 'client-cert-required' };
  }
  if (server.errorCode === NO_CLIENT_CERT) return { side: 'server', category: 'client-cert-required' };
  if (!server.errorCode) return undefined;
  const category = categorize(server.errorCode, server.errorMessage);
  return category === 'reset' || category === 'unknown' ? undefined : { side: 'server', category };
}
