/**
 * The library drivers tlsgate ships, by name: cheap entries (package, option schema, whether
 * `client.proxy` applies); each driver's code, and its library, load only when a scenario runs
 * it. Server drivers that speak a library's protocol (WebSocket, gRPC) are listed here too.
 */
import type { ServerDriver } from '../portable/types.js';
import { AxiosOptionsSchema, GotOptionsSchema, GrpcOptionsSchema, NodeFetchOptionsSchema, WsOptionsSchema } from './http/http-options.js';
import type { LibraryClient, LibraryDriverSpec } from './library-driver.js';
import { IoredisOptionsSchema, Mysql2OptionsSchema, NodemailerOptionsSchema, PgOptionsSchema } from './protocols/protocol-options.js';

const client = (m: { client: LibraryClient }) => m.client;

export const LIBRARY_CLIENTS: ReadonlyMap<string, LibraryDriverSpec> = new Map([
  { name: 'axios', packageName: 'axios', optionsSchema: AxiosOptionsSchema, proxy: true, load: () => import('./http/axios-client.js').then(client) },
  { name: 'got', packageName: 'got', optionsSchema: GotOptionsSchema, proxy: true, load: () => import('./http/got-client.js').then(client) },
  { name: 'node-fetch', packageName: 'node-fetch', optionsSchema: NodeFetchOptionsSchema, proxy: true, load: () => import('./http/node-fetch-client.js').then(client) },
  { name: 'ws', packageName: 'ws', optionsSchema: WsOptionsSchema, proxy: true, server: 'ws-echo', load: () => import('./http/ws-client.js').then(client) },
  { name: 'grpc-js', packageName: '@grpc/grpc-js', optionsSchema: GrpcOptionsSchema, proxy: false, server: 'grpc', load: () => import('./http/grpc-client.js').then(client) },
  // protocol libraries: their servers are built-in drivers (portable/protocol-servers/)
  { name: 'pg', packageName: 'pg', optionsSchema: PgOptionsSchema, proxy: false, server: 'postgres', load: () => import('./protocols/pg-client.js').then(client) },
  { name: 'mysql2', packageName: 'mysql2', optionsSchema: Mysql2OptionsSchema, proxy: false, server: 'mysql', load: () => import('./protocols/mysql2-client.js').then(client) },
  { name: 'ioredis', packageName: 'ioredis', optionsSchema: IoredisOptionsSchema, proxy: false, server: 'redis', load: () => import('./protocols/ioredis-client.js').then(client) },
  { name: 'nodemailer', packageName: 'nodemailer', optionsSchema: NodemailerOptionsSchema, proxy: false, server: 'smtp', load: () => import('./protocols/nodemailer-client.js').then(client) },
].map((d) => [d.name, d] as const));

export const LIBRARY_SERVERS: ReadonlyMap<string, () => Promise<ServerDriver>> = new Map([
  ['ws-echo', () => import('./servers/ws-echo-server.js').then((m) => m.wsEchoServer)],
  ['grpc', () => import('./servers/grpc-server.js').then((m) => m.grpcServer)],
]);

export const isLibraryClient = (name: string): boolean => LIBRARY_CLIENTS.has(name);
export const isLibraryServer = (name: string): boolean => LIBRARY_SERVERS.has(name);

export function listLibraryDrivers(): { client: string[]; server: string[] } {
  return { client: [...LIBRARY_CLIENTS.keys()], server: [...LIBRARY_SERVERS.keys()] };
}
