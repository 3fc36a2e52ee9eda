/**
 * Shared pieces of the driver tests: plans from the openssl test PKI, one real connection
 * through a client driver against the node-tls server driver, and its Observation.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../harness/model/paths.js';
import { nodeTlsServer } from '../../harness/drivers/portable/node/node-tls-server.js';
import type { ClientDriver, ClientHooks, ClientPlan, ServerHandle, ServerHooks, ServerPlan } from '../../harness/drivers/portable/types.js';
import type { ClientObservation, Observation, ServerObservation } from '../../harness/model/domain.js';
import { observe } from '../../harness/verdict/observe.js';
import { testPki } from './openssl-pki.js';

export const never = new AbortController().signal;

/** leaf + issuers below the root, as a server sends them */
export function chainPem(...ids: string[]): string {
  return ids.map((id) => testPki().cert(id).pem).join('');
}

export function serverPlan(over: Partial<ServerPlan> = {}): ServerPlan {
  const pki = testPki();
  return {
    host: '127.0.0.1',
    certChainPem: chainPem('server', 'int'),
    keyPem: pki.cert('server').keyPem,
    requestCert: false,
    requireClientCert: false,
    ...over,
  };
}

/** a server that requires a client certificate issued under `root` */
export function mtlsServerPlan(over: Partial<ServerPlan> = {}): ServerPlan {
  return serverPlan({ requestCert: true, requireClientCert: true, clientCaPem: [testPki().cert('root').pem], ...over });
}

export function clientPlan(port: number, over: Partial<ClientPlan> = {}): ClientPlan {
  return {
    host: '127.0.0.1',
    port,
    servername: 'localhost',
    caPem: [testPki().cert('root').pem],
    timeoutMs: 2000,
    ...over,
  };
}

export function identity(id: string, ...chain: string[]): Pick<ClientPlan, 'certChainPem' | 'keyPem'> {
  return { certChainPem: chainPem(id, ...chain), keyPem: testPki().cert(id).keyPem };
}

export interface Run {
  client: ClientObservation;
  server: ServerObservation;
  obs: Observation;
}

/** one connection: start the server, connect, observe, close the server */
export async function run(
  driver: ClientDriver,
  server: Partial<ServerPlan> | ServerPlan = {},
  client: Partial<ClientPlan> = {},
  hooks: { client?: ClientHooks; server?: ServerHooks } = {},
): Promise<Run> {
  const handle = await nodeTlsServer.listen({ ...serverPlan(), ...server }, hooks.server ?? {}, never);
  try {
    return await connectTo(driver, handle, client, hooks.client ?? {});
  } finally {
    await handle.close();
  }
}

export async function connectTo(driver: ClientDriver, handle: ServerHandle, client: Partial<ClientPlan>, hooks: ClientHooks = {}): Promise<Run> {
  handle.reset();
  const c = await driver.connect(clientPlan(handle.port, { host: handle.host as ClientPlan['host'], ...client }), hooks, never);
  const s = await handle.observation();
  const obs = observe(c, s, { clientDriver: driver.name, serverDriver: 'node-tls', revocation: [], warnings: [], totalMs: 0 });
  return { client: c, server: s, obs };
}

/** the example driver module in harness/drivers/README.md (the tests load that very block) */
export const readmeExample = (): string => {
  const readme = readFileSync(join(packageRoot(), 'harness/drivers/README.md'), 'utf8');
  const block = readme.split('<!-- example-driver -->')[1]?.match(/```js\n([\s\S]*?)```/);
  if (!block) throw new Error('README.md lost its example driver block');
  return block[1]!;
};
