/**
 * Client driver `pg` (node-postgres): `new Client({ host, port, user, database, ssl: {...} })` as
 * pg's documentation shows (https://node-postgres.com/features/ssl): the TLS options in the `ssl`
 * object, passed through to `tls.connect`; or `ssl: true`; or a connection string with `sslmode`
 * beside the object (client.library). Accepted only when `SELECT 'tlsgate-ok' AS answer`
 * returned that row. The socket is given as pg's `stream` option, so the host pg is given (and
 * derives SNI and the name check from) is the scenario's servername.
 */
import type { ClientConfig, Client as PgClient } from 'pg';
import type { Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { moduleExports, type LibraryClient } from '../library-driver.js';
import { protocolExchange, protocolTarget, protocolTlsOptions } from './protocol-exchange.js';
import type { PgOptions } from './protocol-options.js';
import { OK_BODY } from '../../portable/client-common.js';

type PgModule = { Client: new (config: ClientConfig) => PgClient };

export const client: LibraryClient = {
  connect(library, plan, _hooks, signal) {
    const { Client } = moduleExports<PgModule>(library.module);
    const options = (plan.library ?? {}) as PgOptions;
    const where = protocolTarget(plan);
    const config: Omit<ClientConfig, 'stream'> & { stream: Socket } = {
      host: where.host,
      port: plan.port,
      user: 'tlsgate',
      database: 'postgres',
      ssl: sslOption(options, protocolTlsOptions(plan, where.target)),
      // a socket, not a factory: every pg 8.x takes one (a factory only from 8.11), so
      // `tlsgate matrix --package pg@...` can run the older releases too
      stream: where.unconnectedSocket(),
      connectionTimeoutMillis: plan.timeoutMs,
      ...(options.sslmode ? { connectionString: `postgres://tlsgate@${urlHost(where.host)}:${plan.port}/postgres?sslmode=${options.sslmode}` } : {}),
    };
    const pg = new Client(config as unknown as ClientConfig);
    pg.on('error', () => undefined); // an error after the verdict (the server ending) is not the verdict
    return protocolExchange(plan, signal, {
      run: async () => {
        await pg.connect();
        const result = await pg.query<{ answer: string }>(`SELECT '${OK_BODY}' AS answer`);
        return { answer: result.rows[0]?.answer, socket: (pg as unknown as { connection?: { stream?: unknown } }).connection?.stream };
      },
      answered: (answer) => answer === OK_BODY,
      describe: (answer) => JSON.stringify(answer),
      close: () => void pg.end().catch(() => undefined),
    });
  },
};

function sslOption(options: PgOptions, tls: ConnectionOptions): ClientConfig['ssl'] {
  if (options.ssl === false) return false;
  if (options.ssl === true) return true;
  return tls;
}

const urlHost = (host: string) => (host.includes(':') ? `[${host}]` : host);
