/**
 * Client driver `got`: `got(url, { https: {...}, dnsLookup, agent })` as got's documentation
 * shows it: the TLS options in got's own `https` object (`certificateAuthority`, `certificate`,
 * `key`, `pfx`, `passphrase`, `rejectUnauthorized`, `minVersion`...), not on an agent. The agent
 * given as `agent.https` records the socket and carries only what got has no name for. `client.proxy` uses hpagent's
 * `HttpsProxyAgent` (got's README recommends it), the proxy's anchors in `proxyRequestOptions`.
 * got ignores NODE_TLS_REJECT_UNAUTHORIZED since 12 (sindresorhus/got #2177): verification
 * follows `https.rejectUnauthorized` only. Retries are off (one connection per scenario step).
 */
import type { Got, OptionsInit } from 'got';
import type { Agent } from 'node:https';
import type { ConnectionOptions } from 'node:tls';
import { moduleExports, type LibraryClient } from '../library-driver.js';
import { companion } from './companion.js';
import { httpExchange } from './http-exchange.js';
import type { GotOptions } from './http-options.js';

type HpAgent = { HttpsProxyAgent: new (options: Record<string, unknown>) => Agent };

/** Node's TLS option names -> got's `https` option names (got's HttpsOptions) */
const GOT_HTTPS_NAMES: Readonly<Record<string, string>> = {
  ca: 'certificateAuthority', cert: 'certificate', key: 'key', pfx: 'pfx', passphrase: 'passphrase',
  rejectUnauthorized: 'rejectUnauthorized', minVersion: 'minVersion', maxVersion: 'maxVersion',
  ciphers: 'ciphers', ALPNProtocols: 'alpnProtocols', ecdhCurve: 'ecdhCurve', crl: 'certificateRevocationLists',
  secureOptions: 'secureOptions', checkServerIdentity: 'checkServerIdentity',
};

/**
 * The TLS options split as a got user writes them: what got names goes in its `https` object;
 * the rest (a session, allowPartialTrustChain, requestOCSP...) has no got name and goes on the
 * agent, whose options Node lays over the request's.
 */
function gotTlsOptions(tls: ConnectionOptions): { https: NonNullable<OptionsInit['https']>; onAgent: ConnectionOptions } {
  const https: Record<string, unknown> = {};
  const onAgent: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(tls)) {
    if (value === undefined) continue;
    const gotName = GOT_HTTPS_NAMES[name];
    if (gotName) https[gotName] = value;
    else onAgent[name] = value;
  }
  return { https: https as NonNullable<OptionsInit['https']>, onAgent };
}

export const client: LibraryClient = {
  async connect(library, plan, hooks, signal) {
    const got = moduleExports<Got>(library.module);
    const options = (plan.library ?? {}) as GotOptions;
    const proxyAgent = plan.proxy ? (await companion<HpAgent>('hpagent')).HttpsProxyAgent : undefined;
    return httpExchange(plan, hooks, signal, async ({ url, target, tls, agent, signal: abort }) => {
      const { https, onAgent } = gotTlsOptions({ ...tls, ...(target.checkServerIdentity ? { checkServerIdentity: target.checkServerIdentity } : {}) });
      Object.assign(agent.options, onAgent);
      const httpsAgent = proxyAgent
        ? new proxyAgent({ proxy: plan.proxy!.url, keepAlive: false, proxyRequestOptions: plan.proxy!.caPem ? { ca: plan.proxy!.caPem } : {} })
        : agent;
      try {
        const res = await got(url, {
          https,
          ...(target.lookup ? { dnsLookup: target.lookup as never } : {}),
          agent: { https: httpsAgent },
          ...(options.http2 ? { http2: true } : {}),
          retry: { limit: 0 },
          throwHttpErrors: false,
          followRedirect: false,
          signal: abort,
        });
        return { status: res.statusCode, body: String(res.body) };
      } finally {
        if (httpsAgent !== agent) httpsAgent.destroy();
      }
    }, false);
  },
};
