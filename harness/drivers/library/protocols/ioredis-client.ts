/**
 * Client driver `ioredis`: `new Redis({ host, port, tls: {...} })` as ioredis' documentation
 * shows, or `new Redis('rediss://host:port', { tls: {...} })` (client.library.connectWith). The
 * TLS options go to `tls.connect` as given; ioredis sets no `servername` of its own, so the
 * driver gives none either: Node checks the certificate against `host`. Accepted only when
 * PING was answered PONG. No reconnects, no offline queue: one connection decides.
 */
import type { Redis as RedisClient, RedisOptions } from 'ioredis';
import { moduleExports, type LibraryClient } from '../library-driver.js';
import { protocolExchange, protocolTarget, protocolTlsOptions } from './protocol-exchange.js';
import type { IoredisOptions } from './protocol-options.js';

type RedisConstructor = { new (options: RedisOptions): RedisClient; new (url: string, options: RedisOptions): RedisClient };

export const client: LibraryClient = {
  connect(library, plan, _hooks, signal) {
    const mod = library.module as { Redis?: RedisConstructor; default?: RedisConstructor | { Redis?: RedisConstructor } };
    const Redis = mod.Redis ?? moduleExports<{ Redis?: RedisConstructor }>(mod).Redis ?? moduleExports<RedisConstructor>(mod);
    const options = (plan.library ?? {}) as IoredisOptions;
    const where = protocolTarget(plan);
    // the lookup only makes the scenario's DNS name reach the loopback server (addressing, not TLS)
    const tls = { ...protocolTlsOptions(plan, where.target), ...(where.target.lookup ? { lookup: where.target.lookup } : {}) };
    const common: RedisOptions = {
      tls,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
      connectTimeout: plan.timeoutMs,
    };
    const redis = options.connectWith === 'url'
      ? new Redis(`rediss://${where.host.includes(':') ? `[${where.host}]` : where.host}:${plan.port}`, common)
      : new Redis({ ...common, host: where.host, port: plan.port });
    let lastError: unknown;
    redis.on('error', (err: unknown) => { lastError = err; });
    return protocolExchange(plan, signal, {
      run: async () => {
        try {
          await redis.connect();
          const answer = await redis.ping();
          return { answer, socket: (redis as unknown as { stream?: unknown }).stream };
        } catch (err) {
          // ioredis reports "Connection is closed." and keeps the TLS cause on its 'error' event
          throw lastError ?? err;
        }
      },
      answered: (answer) => answer === 'PONG',
      describe: (answer) => JSON.stringify(answer),
      close: () => redis.disconnect(),
    });
  },
};
