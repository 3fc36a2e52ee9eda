/**
 * Client driver `axios`: `axios.get(url, { httpsAgent, proxy })` as axios's documentation shows
 * it: the TLS options (ca, cert/key or pfx, servername via the URL, versions, ciphers, ALPN) on
 * an `https.Agent` given as `httpsAgent`; `client.proxy` as axios's own `proxy` option
 * (`{ protocol, host, port }`), which since 1.16 tunnels HTTPS with CONNECT. Accepted only when
 * the response (200, `tlsgate-ok`) was read.
 */
import type { AxiosStatic } from 'axios';
import { moduleExports, type LibraryClient } from '../library-driver.js';
import { httpExchange, proxyParts } from './http-exchange.js';

export const client: LibraryClient = {
  connect(library, plan, hooks, signal) {
    const axios = moduleExports<AxiosStatic>(library.module);
    const proxy = proxyParts(plan);
    return httpExchange(plan, hooks, signal, async ({ url, agent, signal: abort }) => {
      const res = await axios.get<string>(url, {
        httpsAgent: agent,
        proxy: proxy ?? false,
        responseType: 'text',
        transformResponse: (body: string) => body,
        validateStatus: () => true,
        maxRedirects: 0,
        signal: abort,
      });
      return { status: res.status, body: String(res.data) };
    });
  },
};
