/**
 * Scenario fields for the external tool drivers (openssl-s_server, gnutls-serv, openssl-s_client,
 * gnutls-cli, curl) and for clients meeting old servers. Referenced from scenario-format.ts.
 * `scenario/checks/external-tools.ts` checks them against the end's driver.
 */
import Type from 'typebox';
import { text } from '../../../ca/spec/json-schema.js';

export const ToolFlags = Type.Optional(Type.Array(text('one command-line argument, e.g. `-no_ticket`'), {
  description: 'Raw command-line arguments appended to the tool\'s own, for what only that stack can express (external tool drivers only; flags that tlsgate sets itself are refused).',
}));

export const GnutlsPriority = Type.Optional(text(
  'A GnuTLS priority string for the gnutls-serv driver, e.g. `NORMAL:-VERS-TLS1.3:%DISABLE_SAFE_RENEGOTIATION`; minVersion/maxVersion/ecdhCurve narrow it further.',
));

export const MinDhSize = Type.Optional(Type.Integer({
  minimum: 1,
  maximum: 16384,
  description: 'The smallest finite-field DH group (bits) the client accepts from a DHE server: Node\'s `minDHSize` (default 1024). A smaller group is refused with ERR_TLS_DH_PARAM_SIZE (node-tls, node-https and undici clients).',
}));

export const LegacyServerConnect = Type.Optional(Type.Boolean({
  description: 'Connect to servers that lack RFC 5746 secure renegotiation: Node\'s `secureOptions: SSL_OP_LEGACY_SERVER_CONNECT`, s_client\'s `-legacy_server_connect` (OpenSSL 3 refuses such servers by default).',
}));
