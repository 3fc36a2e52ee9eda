/**
 * The library drivers tlsgate ships, by name: cheap entries (package, option schema, whether
 * `client.proxy` applies); each driver's code, and its library, load only when a scenario runs
 * it. Server drivers that speak a library's protocol (WebSocket, gRPC) are listed here too.
 */
import type { ServerDriver } from '../portable/types.js';
import type { LibraryClient, LibraryDriverSpec } from './library-driver.js';

const client = (m: { client: LibraryClient }) => m.client;
// the options' TypeBox schemas are imported only when a scenario sets client.library
const httpOptions = () => import('./http/http-options.js');
const protocolOptions = () => import('./protocols/protocol-options.js');

export const LIBRARY_CLIENTS: ReadonlyMap<string, LibraryDriverSpec> = new Map([
  { name: 'axios', holdsSocket: true, packageName: 'axios', optionsSchema: () => httpOptions().then((m) => m.AxiosOptionsSchema), proxy: true, load: () => import('./http/axios-client.js').then(client) },
  { name: 'got', holdsSocket: true, packageName: 'got', optionsSchema: () => httpOptions().then((m) => m.GotOptionsSchema), proxy: true, load: () => import('./http/got-client.js').then(client) },
  { name: 'node-fetch', holdsSocket: true, packageName: 'node-fetch', optionsSchema: () => httpOptions().then((m) => m.NodeFetchOptionsSchema), proxy: true, load: () => import('./http/node-fetch-client.js').then(client) },
  { name: 'ws', holdsSocket: false, packageName: 'ws', optionsSchema: () => httpOptions().then((m) => m.WsOptionsSchema), proxy: true, server: 'ws-echo', load: () => import('./http/ws-client.js').then(client) },
  { name: 'grpc-js', holdsSocket: false, packageName: '@grpc/grpc-js', optionsSchema: () => httpOptions().then((m) => m.GrpcOptionsSchema), proxy: false, server: 'grpc', load: () => import('./http/grpc-client.js').then(client) },
  // protocol libraries: their servers are built-in drivers (portable/protocol-servers/)
  { name: 'pg', holdsSocket: false, packageName: 'pg', optionsSchema: () => protocolOptions().then((m) => m.PgOptionsSchema), proxy: false, server: 'postgres', load: () => import('./protocols/pg-client.js').then(client) },
  { name: 'mysql2', holdsSocket: false, packageName: 'mysql2', optionsSchema: () => protocolOptions().then((m) => m.Mysql2OptionsSchema), proxy: false, server: 'mysql', load: () => import('./protocols/mysql2-client.js').then(client) },
  { name: 'ioredis', holdsSocket: false, packageName: 'ioredis', optionsSchema: () => protocolOptions().then((m) => m.IoredisOptionsSchema), proxy: false, server: 'redis', load: () => import('./protocols/ioredis-client.js').then(client) },
  { name: 'nodemailer', holdsSocket: false, packageName: 'nodemailer', optionsSchema: () => protocolOptions().then((m) => m.NodemailerOptionsSchema), proxy: false, server: 'smtp', load: () => import('./protocols/nodemailer-client.js').then(client) },
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
