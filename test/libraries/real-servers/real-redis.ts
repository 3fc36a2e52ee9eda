/**
 * Oracle server driver: the real Redis from Debian's `redis-server` package, TLS only
 * (`--port 0 --tls-port P`), with the plan's certificates; `tls-auth-clients yes` when the plan
 * requires client certificates, `optional` when it requests them, `no` otherwise;
 * `tls-protocols` from the plan's version range. No persistence.
 */
import { join } from 'node:path';
import type { ServerDriver, ServerHandle, ServerPlan } from '../../../harness/drivers/portable/types.js';
import { type Binary, freePort, RealServerHandle, serverDir, startServer, stopProcess, serverVersions, writeServerFile } from './real-server-kit.js';

export const binaries: Binary[] = [{ path: '/usr/bin/redis-server', debianPackage: 'redis-server' }];

const realRedis: ServerDriver = {
  name: 'real-redis',
  async listen(plan: ServerPlan): Promise<ServerHandle> {
    const dir = serverDir('redis');
    const file = (name: string, text: string) => writeServerFile(join(dir, name), text);
    const port = await freePort(plan.host);
    const clientAuth = !plan.requestCert ? 'no' : plan.requireClientCert ? 'yes' : 'optional';
    const args = [
      '--port', '0', '--tls-port', String(port), '--bind', plan.host, '--dir', dir, '--save', '', '--appendonly', 'no',
      '--tls-cert-file', file('server.crt', plan.certChainPem), '--tls-key-file', file('server.key', plan.keyPem),
      '--tls-auth-clients', clientAuth,
      ...(plan.clientCaPem?.length ? ['--tls-ca-cert-file', file('ca.crt', plan.clientCaPem.join(''))] : []),
      '--tls-protocols', serverVersions(plan).join(' '),
      ...(plan.ciphers ? ['--tls-ciphers', plan.ciphers] : []),
    ];
    const child = await startServer(binaries[0]!.path, args, plan.host, port, join(dir, 'log'));
    return new RealServerHandle(plan.host, port, () => stopProcess(child), dir);
  },
};

export default realRedis;
