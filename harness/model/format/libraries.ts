/**
 * The scenario format's pieces for library drivers (axios, got, ws, @grpc/grpc-js, pg...):
 * `client.library`, options only that driver understands (each library driver exports the
 * TypeBox schema they are checked against after merging, see scenario/checks/library-checks.ts),
 * and `client.proxy`, an HTTP CONNECT proxy run by tlsgate between the client and the server.
 */
import Type from 'typebox';
import { closed, named, ref } from '../../../ca/spec/json-schema.js';
import { CertRef } from '../../../ca/spec/spec.js';

export const LibraryOptionsSchema = named('libraryOptions', Type.Record(Type.String(), Type.Unknown(), {
  description: 'Options of the library driver (client.driver), written as that library\'s own option names; each driver checks its own (see harness/drivers/README.md, "Library drivers").',
}));

export const ClientProxySchema = named('clientProxy', closed('An HTTP CONNECT proxy tlsgate runs on loopback; the client reaches the server through its tunnel (HTTP-family library drivers).', {
  tls: Type.Optional(Type.Boolean({ description: 'The proxy speaks TLS (an https:// proxy URL); default false (http://).' })),
  cert: Type.Optional(ref(CertRef, 'Id of the certificate the TLS proxy presents (required with tls: true).')),
  trust: Type.Optional(Type.Array(ref(CertRef), { description: 'Ids the client trusts for the proxy\'s certificate; default: the root of proxy.cert.' })),
}));
