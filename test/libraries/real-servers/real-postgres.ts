/**
 * Oracle server driver: the real PostgreSQL from Debian's `postgresql` package. One cluster is
 * made per process (initdb, about 5 s); each listen() starts the server on a free port with the
 * plan's certificates, `hostssl` rules only (a client without TLS is refused: "no encryption"),
 * `ssl_ca_file` when the plan asks for client certificates and `clientcert=verify-ca` when it
 * requires them, `ssl_min/max_protocol_version` from the plan (PostgreSQL names versions as Node does). Stopped
 * with SIGINT (fast shutdown: SIGTERM would wait for clients). Run as the `postgres` user when
 * the tests run as root (PostgreSQL refuses root).
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerDriver, ServerHandle, ServerPlan } from '../../../harness/drivers/portable/types.js';
import {
  type Binary, command, serverVersions, freePort, RealServerHandle, runAsWhenRoot, serverDir, startServer, stopProcess, writeServerFile,
} from './real-server-kit.js';

const BIN = '/usr/lib/postgresql/15/bin';
export const binaries: Binary[] = [
  { path: `${BIN}/initdb`, debianPackage: 'postgresql' },
  { path: `${BIN}/postgres`, debianPackage: 'postgresql' },
];

const runAs = runAsWhenRoot('postgres');
let cluster: string | undefined;

function initCluster(): string {
  if (cluster) return cluster;
  const dir = serverDir('pg-cluster', runAs);
  const data = join(dir, 'data');
  const [file, args] = command(runAs, `${BIN}/initdb`, ['-D', data, '-A', 'trust', '-U', 'tlsgate', '--no-sync']);
  const done = spawnSync(file, args, { encoding: 'utf8' });
  if (done.status !== 0) throw new Error(`initdb failed: ${done.stderr}`);
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  cluster = data;
  return data;
}

const realPostgres: ServerDriver = {
  name: 'real-postgres',
  async listen(plan: ServerPlan): Promise<ServerHandle> {
    const data = initCluster();
    const dir = serverDir('pg', runAs);
    const file = (name: string, text: string) => writeServerFile(join(dir, name), text, runAs);
    const settings: Record<string, string> = {
      listen_addresses: plan.host,
      unix_socket_directories: dir,
      ssl: 'on',
      ssl_cert_file: file('server.crt', plan.certChainPem),
      ssl_key_file: file('server.key', plan.keyPem),
      hba_file: file('hba.conf', `hostssl all all ${plan.host === '::1' ? '::1/128' : '127.0.0.1/32'} trust${plan.requireClientCert ? ' clientcert=verify-ca' : ''}\n`),
      fsync: 'off',
      ...(plan.requestCert && plan.clientCaPem?.length ? { ssl_ca_file: file('ca.crt', plan.clientCaPem.join('')) } : {}),
      ssl_min_protocol_version: serverVersions(plan)[0]!,
      ...(plan.maxVersion ? { ssl_max_protocol_version: plan.maxVersion } : {}),
      ...(plan.ciphers ? { ssl_ciphers: plan.ciphers } : {}),
    };
    const port = await freePort(plan.host);
    settings.port = String(port);
    const args = ['-D', data, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
    const [bin, argv] = command(runAs, `${BIN}/postgres`, args);
    const child = await startServer(bin, argv, plan.host, port, join(dir, 'log'), /database system is ready to accept connections/);
    return new RealServerHandle(plan.host, port, () => stopProcess(child, 'SIGINT'), dir);
  },
};

export default realPostgres;
