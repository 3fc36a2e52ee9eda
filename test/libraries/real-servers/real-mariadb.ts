/**
 * Oracle server driver: the real MariaDB from Debian's `mariadb-server` package. One data dir
 * per process (mariadb-install-db, about 9 s); each listen() starts mariadbd on a free port with
 * the plan's certificates and `require_secure_transport=ON` (a login without TLS is refused),
 * `ssl-ca` when the plan asks for client certificates, `tls_version` from the plan, then makes
 * the user `tlsgate` (no password) `REQUIRE X509` when the plan requires a client certificate.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerDriver, ServerHandle, ServerPlan } from '../../../harness/drivers/portable/types.js';
import { type Binary, freePort, RealServerHandle, serverDir, startServer, stopProcess, serverVersions, writeServerFile } from './real-server-kit.js';

export const binaries: Binary[] = [
  { path: '/usr/sbin/mariadbd', debianPackage: 'mariadb-server' },
  { path: '/usr/bin/mariadb-install-db', debianPackage: 'mariadb-server' },
  { path: '/usr/bin/mariadb', debianPackage: 'mariadb-client' },
];

const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];
let dataDir: string | undefined;

function installDataDir(): string {
  if (dataDir) return dataDir;
  const dir = serverDir('mariadb-data');
  const done = spawnSync('/usr/bin/mariadb-install-db', [
    '--no-defaults', `--datadir=${join(dir, 'data')}`, ...asRoot, '--auth-root-authentication-method=normal', '--skip-test-db',
  ], { encoding: 'utf8' });
  if (done.status !== 0) throw new Error(`mariadb-install-db failed: ${done.stderr}${done.stdout}`);
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  dataDir = join(dir, 'data');
  return dataDir;
}

const realMariadb: ServerDriver = {
  name: 'real-mariadb',
  async listen(plan: ServerPlan): Promise<ServerHandle> {
    const data = installDataDir();
    const dir = serverDir('mariadb');
    const file = (name: string, text: string) => writeServerFile(join(dir, name), text);
    const port = await freePort(plan.host);
    const socket = join(dir, 'sock');
    const args = [
      '--no-defaults', `--datadir=${data}`, ...asRoot, `--port=${port}`, `--bind-address=${plan.host}`, `--socket=${socket}`,
      `--pid-file=${join(dir, 'pid')}`, `--log-error=${join(dir, 'log')}`, '--skip-name-resolve', '--skip-log-bin',
      '--innodb-buffer-pool-size=8M', '--require-secure-transport=ON',
      `--ssl-cert=${file('server.crt', plan.certChainPem)}`, `--ssl-key=${file('server.key', plan.keyPem)}`,
      ...(plan.requestCert && plan.clientCaPem?.length ? [`--ssl-ca=${file('ca.crt', plan.clientCaPem.join(''))}`] : []),
      `--tls-version=${serverVersions(plan).map((v) => (v === 'TLSv1' ? 'TLSv1.0' : v)).join(',')}`,
      ...(plan.ciphers ? [`--ssl-cipher=${plan.ciphers}`] : []),
    ];
    const child = await startServer('/usr/sbin/mariadbd', args, plan.host, port, join(dir, 'log'));
    // the admin login goes over the unix socket without TLS; bounded, since it blocks the test's event loop
    execFileSync('/usr/bin/mariadb', ['--no-defaults', '--skip-ssl', `--connect-timeout=10`, `--socket=${socket}`, '-u', 'root', '-e',
      `CREATE USER IF NOT EXISTS tlsgate@'%'; ALTER USER tlsgate@'%' REQUIRE ${plan.requireClientCert ? 'X509' : 'NONE'}; GRANT USAGE ON *.* TO tlsgate@'%';`], { timeout: 20_000 });
    return new RealServerHandle(plan.host, port, () => stopProcess(child), dir);
  },
};

export default realMariadb;
