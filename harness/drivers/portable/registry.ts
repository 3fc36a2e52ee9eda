/**
 * Driver lookup by name. Built-in drivers are listed here; any other name that looks like a path
 * (starts with `.` or `/`, or ends with `.js`/`.mjs`) is imported as a user module whose default
 * export is a ClientDriver or ServerDriver. The scenario loader has made a scenario's module
 * paths absolute (from its YAML file, see scenario/driver-modules.ts); a relative path reaching
 * here (a test, the API) resolves from the working directory.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isModulePath } from '../../model/module-path.js';
import { hostileCloseServer } from './hostile/hostile-close.js';
import { hostileGarbageServer } from './hostile/hostile-garbage.js';
import { hostileSilentServer } from './hostile/hostile-silent.js';
import { hostileStallClient } from './hostile/hostile-stall.js';
import { curlClient } from './external/curl-client.js';
import { gnutlsCli } from './external/gnutls-cli.js';
import { gnutlsServ } from './external/gnutls-serv.js';
import { opensslSClient } from './external/openssl-s-client.js';
import { opensslSServer } from './external/openssl-s-server.js';
import { ScenarioError } from '../../model/internal-fault.js';
import { nodeHttpsClient } from './node/node-https-client.js';
import { nodeTlsClient } from './node/node-tls-client.js';
import { nodeTlsServer } from './node/node-tls-server.js';
import { mysqlServer } from './protocol-servers/mysql-server.js';
import { postgresServer } from './protocol-servers/postgres-server.js';
import { redisServer } from './protocol-servers/redis-server.js';
import { smtpServer, smtpsServer } from './protocol-servers/smtp-server.js';
import type { ClientDriver, ServerDriver } from './types.js';
import { undiciClient } from './node/undici-client.js';

const CLIENT_DRIVERS: ReadonlyMap<string, ClientDriver> = new Map(
  [nodeTlsClient, nodeHttpsClient, undiciClient, opensslSClient, gnutlsCli, curlClient].map((d) => [d.name, d] as const),
);
const SERVER_DRIVERS: ReadonlyMap<string, ServerDriver> = new Map(
  [nodeTlsServer, opensslSServer, gnutlsServ, postgresServer, mysqlServer, redisServer, smtpServer, smtpsServer].map((d) => [d.name, d] as const),
);

/**
 * Peers that misbehave on purpose (robustness scenarios). Kept apart from the drivers above,
 * which are the stacks under test; listDrivers() names only those.
 */
const HOSTILE_CLIENT_DRIVERS: ReadonlyMap<string, ClientDriver> = new Map([hostileStallClient].map((d) => [d.name, d] as const));
const HOSTILE_SERVER_DRIVERS: ReadonlyMap<string, ServerDriver> = new Map(
  [hostileSilentServer, hostileGarbageServer, hostileCloseServer].map((d) => [d.name, d] as const),
);

export function listDrivers(): { client: string[]; server: string[] } {
  return { client: [...CLIENT_DRIVERS.keys()], server: [...SERVER_DRIVERS.keys()] };
}

export function listHostileDrivers(): { client: string[]; server: string[] } {
  return { client: [...HOSTILE_CLIENT_DRIVERS.keys()], server: [...HOSTILE_SERVER_DRIVERS.keys()] };
}

export { isModulePath };

export async function getClientDriver(name: string, cwd = process.cwd()): Promise<ClientDriver> {
  const builtin = CLIENT_DRIVERS.get(name) ?? HOSTILE_CLIENT_DRIVERS.get(name);
  if (builtin) return builtin;
  if (!isModulePath(name)) throw unknownDriver('client', name, [...CLIENT_DRIVERS.keys()]);
  const driver = await importDriver(name, cwd);
  if (!isClientDriver(driver)) throw notADriver('client', name, 'connect(plan, hooks, signal) and info()');
  return driver;
}

export async function getServerDriver(name: string, cwd = process.cwd()): Promise<ServerDriver> {
  const builtin = SERVER_DRIVERS.get(name) ?? HOSTILE_SERVER_DRIVERS.get(name);
  if (builtin) return builtin;
  if (!isModulePath(name)) throw unknownDriver('server', name, [...SERVER_DRIVERS.keys()]);
  const driver = await importDriver(name, cwd);
  if (!isServerDriver(driver)) throw notADriver('server', name, 'listen(plan, hooks, signal)');
  return driver;
}

async function importDriver(name: string, cwd: string): Promise<unknown> {
  const file = resolve(cwd, name);
  try {
    const mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
    return mod.default;
  } catch (err) {
    throw new ScenarioError(`driver module ${file} could not be loaded: ${(err as Error).message}`);
  }
}

function isClientDriver(d: unknown): d is ClientDriver {
  const x = d as Partial<ClientDriver> | undefined;
  return !!x && typeof x.name === 'string' && typeof x.connect === 'function' && typeof x.info === 'function';
}

function isServerDriver(d: unknown): d is ServerDriver {
  const x = d as Partial<ServerDriver> | undefined;
  return !!x && typeof x.name === 'string' && typeof x.listen === 'function';
}

function unknownDriver(kind: 'client' | 'server', name: string, known: string[]): Error {
  return new ScenarioError(
    `unknown ${kind} driver '${name}'. Known ${kind} drivers: ${known.join(', ')}; `
    + `or give a path to a module (./my-driver.mjs) whose default export is a ${kind === 'client' ? 'ClientDriver' : 'ServerDriver'}`,
  );
}

function notADriver(kind: 'client' | 'server', name: string, needs: string): Error {
  return new ScenarioError(`driver module ${name}: its default export is not a ${kind} driver (needs a string \`name\` and ${needs}); see harness/drivers/README.md`);
}
