/**
 * tlsgate's protocol servers speak their protocols well enough for the real command-line clients
 * from Debian's packages (independent of tlsgate and of the Node libraries): psql, the mariadb
 * client, redis-cli and `openssl s_client -starttls smtp` each verify the server's chain and
 * name, finish their operation, and the server records the handshake. A missing client skips,
 * naming its package.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { getServerDriver } from '../../harness/drivers/portable/registry.js';
import { mtlsServerPlan, never, serverPlan, chainPem } from '../drivers/helpers.js';
import { testPki } from '../drivers/openssl-pki.js';
import type { ServerPlan } from '../../harness/drivers/portable/types.js';

const run = promisify(execFile);

interface Case {
  server: string;
  client: string;
  debianPackage: string;
  /** the client's command line against 127.0.0.1:port with the root in `ca`, and what it must print */
  command(port: number, ca: string, identity: { cert: string; key: string }): [string, string[], RegExp];
}

const CASES: Case[] = [
  {
    server: 'postgres', client: '/usr/bin/psql', debianPackage: 'postgresql-client',
    command: (port, ca, id) => ['/usr/bin/psql', [`host=localhost port=${port} user=tlsgate dbname=postgres sslmode=verify-full sslrootcert=${ca} sslcert=${id.cert} sslkey=${id.key}`, '-Atc', "SELECT 'tlsgate-ok'"], /^tlsgate-ok$/m],
  },
  {
    server: 'mysql', client: '/usr/bin/mariadb', debianPackage: 'mariadb-client',
    command: (port, ca, id) => ['/usr/bin/mariadb', ['--no-defaults', '-h', 'localhost', '--protocol=TCP', '-P', String(port), '-u', 'tlsgate', `--ssl-ca=${ca}`, '--ssl-verify-server-cert', `--ssl-cert=${id.cert}`, `--ssl-key=${id.key}`, '-N', '-e', "SELECT 'tlsgate-ok'"], /^tlsgate-ok$/m],
  },
  {
    server: 'redis', client: '/usr/bin/redis-cli', debianPackage: 'redis-tools',
    command: (port, ca, id) => ['/usr/bin/redis-cli', ['--tls', '--cacert', ca, '--sni', 'localhost', '--cert', id.cert, '--key', id.key, '-h', '127.0.0.1', '-p', String(port), 'PING'], /^PONG$/m],
  },
  {
    server: 'smtp', client: '/usr/bin/openssl', debianPackage: 'openssl',
    command: (port, ca, id) => ['/bin/sh', ['-c', `(printf 'EHLO x\\r\\nMAIL FROM:<a@example.test>\\r\\nRCPT TO:<b@example.test>\\r\\nDATA\\r\\nhi\\r\\n.\\r\\nQUIT\\r\\n'; sleep 1) | openssl s_client -quiet -starttls smtp -connect 127.0.0.1:${port} -servername localhost -verify_hostname localhost -CAfile ${ca} -cert ${id.cert} -key ${id.key} -verify_return_error`], /^250 2\.0\.0 Ok: queued as tlsgate-ok$/m],
  },
  {
    server: 'smtps', client: '/usr/bin/openssl', debianPackage: 'openssl',
    command: (port, ca, id) => ['/bin/sh', ['-c', `(printf 'EHLO x\\r\\nMAIL FROM:<a@example.test>\\r\\nRCPT TO:<b@example.test>\\r\\nDATA\\r\\nhi\\r\\n.\\r\\nQUIT\\r\\n'; sleep 1) | openssl s_client -quiet -connect 127.0.0.1:${port} -servername localhost -verify_hostname localhost -CAfile ${ca} -cert ${id.cert} -key ${id.key} -verify_return_error`], /^250 2\.0\.0 Ok: queued as tlsgate-ok$/m],
  },
];

describe('protocol servers: the real command-line clients finish their operation over TLS', function () {
  this.timeout(60_000);
  let dir: string;
  const files = { ca: '', cert: '', key: '' };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tlsgate-protocol-servers-'));
    const pki = testPki();
    files.ca = join(dir, 'ca.pem');
    files.cert = join(dir, 'client.pem');
    files.key = join(dir, 'client.key');
    writeFileSync(files.ca, pki.cert('root').pem);
    writeFileSync(files.cert, chainPem('client', 'int'));
    writeFileSync(files.key, pki.cert('client').keyPem, { mode: 0o600 });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const c of CASES) {
    // openssl s_client with a client certificate ends with "unexpected eof" against the SMTP
    // servers (the nodemailer scenarios with one pass): not understood yet, so not claimed here
    const plans: Array<[string, () => ServerPlan]> = [['server auth', () => serverPlan()]];
    if (!c.server.startsWith('smtp')) plans.push(['mTLS required', () => mtlsServerPlan()]);
    for (const [label, plan] of plans) {
      const missing = !existsSync(c.client);
      it(`${c.server} (${label}) with ${c.client}${missing ? ` (skipped: install Debian package ${c.debianPackage})` : ''}`, async function () {
        if (missing) return this.skip();
        const handle = await (await getServerDriver(c.server)).listen(plan(), {}, never);
        try {
          const [file, args, answer] = c.command(handle.port, files.ca, files);
          const { stdout } = await run(file, args, { timeout: 20_000, env: { ...process.env, PGCONNECT_TIMEOUT: '10' } });
          expect(stdout).to.match(answer);
          const record = await handle.observation();
          expect(record).to.include({ handshake: true });
          if (label === 'mTLS required') expect(record).to.include({ clientCertPresented: true, authorized: true });
        } finally {
          await handle.close();
        }
      });
    }
  }
});
