/**
 * Client driver `node-fetch`: `fetch(url, { agent })` as node-fetch's documentation shows it:
 * TLS options on an `https.Agent` given as `agent`. `client.proxy` uses https-proxy-agent's
 * `HttpsProxyAgent(url, tlsOptions)` (node-fetch's README points there): the same options
 * serve the proxy's TLS leg and the origin's.
 */
import type { Agent } from 'node:https';
import { moduleExports, type LibraryClient } from '../library-driver.js';
import { companion } from './companion.js';
import { httpExchange } from './http-exchange.js';

type Fetch = (url: string, init: Record<string, unknown>) => Promise<{ status: number; text(): Promise<string> }>;
type ProxyAgents = { HttpsProxyAgent: new (proxy: string, options: Record<string, unknown>) => Agent };

export const client: LibraryClient = {
  async connect(library, plan, hooks, signal) {
    const fetch = moduleExports<Fetch>(library.module);
    const proxyAgent = plan.proxy ? (await companion<ProxyAgents>('https-proxy-agent')).HttpsProxyAgent : undefined;
    return httpExchange(plan, hooks, signal, async ({ url, tls, agent, signal: abort }) => {
      const via = proxyAgent ? new proxyAgent(plan.proxy!.url, { ...tls, keepAlive: false }) : agent;
      try {
        const res = await fetch(url, { agent: via, signal: abort, redirect: 'manual' });
        return { status: res.status, body: await res.text() };
      } finally {
        if (via !== agent) via.destroy();
      }
    });
  },
};
