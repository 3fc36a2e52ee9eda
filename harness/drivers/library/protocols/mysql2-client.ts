/**
 * Client driver `mysql2`: `mysql.createConnection({ host, port, user, ssl: {...} })` as mysql2's
 * documentation shows: the TLS options in `ssl` (mysql2 builds its own secure context from `ca`,
 * `cert`, `key`, `passphrase`, `ciphers`, `minVersion`, `maxVersion` only, and checks the host
 * name only with `ssl.verifyIdentity`), or an SSL profile name (`ssl: 'Amazon RDS'`). Accepted
 * only when `SELECT 'tlsgate-ok' AS answer` returned that row. A TLS failure arrives as
 * `HANDSHAKE_SSL_ERROR` with the Node message (mysql2 overwrites the cause's code).
 */
import type { Connection, ConnectionOptions as MysqlOptions, RowDataPacket } from 'mysql2';
import type { ConnectionOptions } from 'node:tls';
import { moduleExports, type LibraryClient } from '../library-driver.js';
import { protocolExchange, protocolTarget, protocolTlsOptions } from './protocol-exchange.js';
import type { Mysql2Options } from './protocol-options.js';
import { OK_BODY } from '../../portable/client-common.js';

type Mysql2Module = { createConnection(options: MysqlOptions): Connection };

export const client: LibraryClient = {
  connect(library, plan, _hooks, signal) {
    const mysql = moduleExports<Mysql2Module>(library.module);
    const options = (plan.library ?? {}) as Mysql2Options;
    const where = protocolTarget(plan);
    const connection = mysql.createConnection({
      host: where.host,
      port: plan.port,
      user: 'tlsgate',
      ssl: sslOption(options, protocolTlsOptions(plan, where.target)) as MysqlOptions['ssl'],
      stream: () => where.socket(),
      connectTimeout: plan.timeoutMs,
    } as MysqlOptions);
    connection.on('error', () => undefined); // an error after the verdict is not the verdict
    return protocolExchange(plan, signal, {
      run: () => new Promise<{ answer: unknown; socket?: unknown }>((resolve, reject) => {
        connection.query<RowDataPacket[]>(`SELECT '${OK_BODY}' AS answer`, (err, rows) => {
          if (err) return reject(err);
          resolve({ answer: rows[0]?.answer as unknown, socket: (connection as unknown as { stream?: unknown }).stream });
        });
      }),
      answered: (answer) => answer === OK_BODY,
      describe: (answer) => JSON.stringify(answer),
      close: () => connection.destroy(),
    });
  },
};

function sslOption(options: Mysql2Options, tls: ConnectionOptions): unknown {
  if (options.ssl === false) return undefined;
  if (options.ssl === 'Amazon RDS') return 'Amazon RDS';
  return { ...tls, ...(options.verifyIdentity !== undefined ? { verifyIdentity: options.verifyIdentity } : {}) };
}
