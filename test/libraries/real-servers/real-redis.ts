/**
 * Oracle server driver: the real Redis from Debian's `redis-server` package, TLS only
 * (`--port 0 --tls-port P`), with the plan's certificates; `tls-auth-clients yes` when the plan
 * requires client certificates, `optional` when it requests them, `no` otherwise;
 * `tls-protocols` from the plan's version range. No persistence.
 */
import { join } from 'node:path';
import { NO_CLIENT_CERT } from '../../../harness/model/codes.js';
import type { ServerObservation } from '../../../harness/model/domain.js';
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
      // verbose: Redis logs why it refused a TLS client ("peer did not return a certificate")
      '--loglevel', 'verbose', '--logfile', join(dir, 'log'),
    ];
    const child = await startServer(binaries[0]!.path, args, plan.host, port, join(dir, 'log'));
    return new RealServerHandle(plan.host, port, () => stopProcess(child), dir, { file: join(dir, 'log'), read: redisRecord });
  },
};

/**
 * Under TLS 1.3 a client learns of a refused (missing) certificate only at its next read, and
 * races Redis closing the socket (an alert one run, ECONNRESET the next): Redis' own log line
 * says which side refused and why, as tlsgate's servers record it.
 */
function redisRecord(log: string): Partial<ServerObservation> {
  if (/peer did not return a certificate/i.test(log)) {
    return { errorCode: NO_CLIENT_CERT, errorMessage: 'Redis: peer did not return a certificate (its log)', clientCertPresented: false };
  }
  const refused = log.match(/Error accepting a client connection: (.*)/);
  return refused ? { errorMessage: `Redis: ${refused[1]}` } : {};
}

export default realRedis;
