/**
 * The scenario format's lifecycle parts: what a `then` step may change before its connection
 * (time passes, the server rotates its certificate, the client's trust or identity changes) and
 * whether the connection is a new one or the one the client kept alive, plus what an
 * expectation can say about reuse and about which certificate authenticated the server.
 * scenario-format.ts references these; README "Scenarios over time" documents them.
 */
import Type from 'typebox';
import { closed, ref, stringEnum } from '../../../ca/spec/json-schema.js';
import { CertRef } from '../../../ca/spec/spec.js';

/** longest single wait: the catalogue's whole budget is 5 s */
export const MAX_WAIT_MS = 60_000;

/** `new`: a fresh connection (the kept one is dropped); `reuse`: over the connection the previous step left open */
export const CONNECTION_MODES = ['new', 'reuse'] as const;

const certRefs = (description: string) => Type.Optional(Type.Array(ref(CertRef), { description, minItems: 1 }));

export const WaitSchema = Type.Optional(Type.Integer({
  minimum: 0,
  maximum: MAX_WAIT_MS,
  description: 'Milliseconds to wait before this connection (after the previous one): a short-lived certificate can expire, a future notBefore arrive. Tag such scenarios `slow`.',
}));

export const RotateSchema = Type.Optional(closed('What changes hands before this connection, without restarting anything.', {
  cert: Type.Optional(ref(CertRef, 'The server switches to this certificate (setSecureContext on the running server): new connections see it, kept ones do not.')),
  chain: certRefs('What the rotated server sends after the leaf; default its issuers up to the root.'),
  key: Type.Optional(ref(CertRef, 'Id of the certificate whose key the rotated server uses; default `cert`.')),
  identity: Type.Optional(ref(CertRef, 'The client switches to this client certificate (e.g. a rotated SVID) for new connections.')),
}, { minProperties: 1 }));

export const RetrustSchema = Type.Optional(Type.Union([
  Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
  Type.Literal('system'),
], {
  description: 'The client\'s trust anchors from this connection on (e.g. the old root removed): ids, or `system`. A reused connection is not verified again.',
  errorMessage: 'must be a list of certificate ids or `system`',
}));

export const ConnectionSchema = Type.Optional(stringEnum(CONNECTION_MODES, '`new` (default): a fresh connection; `reuse`: the request goes over the connection the client kept alive (an https.Agent keep-alive socket, an undici Pool connection). Needs a client driver that pools (node-https, undici).'));

export const ReusedExpectationSchema = Type.Optional(closed('What this connection reused.', {
  connection: Type.Optional(Type.Boolean({ description: 'The request went over a connection kept from before (no handshake).' })),
  session: Type.Optional(Type.Boolean({ description: 'The handshake resumed an earlier TLS session.' })),
}));

export const AuthenticatedBySchema = Type.Optional(ref(CertRef, 'Id of the certificate that authenticated the server on this connection (the leaf it presented when the connection was made).'));
