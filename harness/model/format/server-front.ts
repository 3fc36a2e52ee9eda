/**
 * `server.front`: a peer of the large-ClientHello class (https://tldr.fail) in front of the
 * scenario's real server. Referenced from scenario-format.ts; `scenario/checks/server-front.ts`
 * checks it against the server's driver; harness/drivers/portable/hostile/one-read-front.ts runs it.
 */
import Type from 'typebox';
import { closed } from '../../../ca/spec/json-schema.js';

export const ServerFront = Type.Optional(closed(
  'A middlebox or server front that makes ONE read of the ClientHello (https://tldr.fail): if the TLS record holding it is complete within that read, the connection passes through to the server byte for byte (the handshake stays end to end); otherwise the front resets it (TCP RST). node-tls, openssl-s_server and gnutls-serv servers only.',
  {
    readsOnce: Type.Integer({
      minimum: 64,
      maximum: 16384,
      description: 'The bytes of the one read: 1460 is one TCP segment at MTU 1500 (the Ethernet MSS). On loopback the whole ClientHello arrives at once; the front takes at most this many bytes of it.',
    }),
  },
));
