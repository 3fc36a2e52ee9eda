/**
 * `client.library` of the HTTP-family drivers (axios, got, node-fetch, ws, grpc-js): each is
 * written with the library's own option names, so a scenario reads like the code it guards.
 */
import Type, { type Static } from 'typebox';
import { closed } from '../../../../ca/spec/json-schema.js';

const rejectUnauthorized = Type.Optional(Type.Boolean({
  description: 'rejectUnauthorized as the library documents it (false turns verification off); default: not set, so the library\'s own default applies.',
}));

export const AxiosOptionsSchema = closed('axios options (client.library, driver axios).', { rejectUnauthorized });
export const GotOptionsSchema = closed('got options (client.library, driver got).', {
  rejectUnauthorized,
  http2: Type.Optional(Type.Boolean({ description: 'got\'s `http2: true` (ALPN h2 when the server offers it).' })),
});
export const NodeFetchOptionsSchema = closed('node-fetch options (client.library, driver node-fetch).', { rejectUnauthorized });
export const WsOptionsSchema = closed('ws options (client.library, driver ws).', {
  rejectUnauthorized,
  tlsOptionsIn: Type.Optional(Type.Union([Type.Literal('options'), Type.Literal('agent')], {
    description: 'Where the TLS options go: `options` (beside ws\'s own, as its README shows; default) or `agent` (an https.Agent built with them).',
  })),
});
export const GrpcOptionsSchema = closed('@grpc/grpc-js options (client.library, driver grpc-js).', {
  targetNameOverride: Type.Optional(Type.String({ minLength: 1, description: 'Channel option `grpc.ssl_target_name_override`: the name the certificate is checked against instead of the target\'s.' })),
  checkServerIdentity: Type.Optional(Type.Union([Type.Literal('node'), Type.Literal('refuse')], {
    description: 'createSsl\'s verifyOptions.checkServerIdentity: `node` (tls.checkServerIdentity, recorded when called) or `refuse` (refuses every certificate: proves whether it is called at all).',
  })),
});

export type RejectUnauthorizedOption = { rejectUnauthorized?: boolean };
export type GotOptions = Static<typeof GotOptionsSchema>;
export type WsOptions = Static<typeof WsOptionsSchema>;
export type GrpcOptions = Static<typeof GrpcOptionsSchema>;
