/**
 * `client.proxy`: the HTTP CONNECT proxy a scenario's client goes through, started with the
 * scenario's server and closed with it. Its certificate and the client's trust for it come from
 * the scenario, apart from the origin's; the plan tells the library driver where it is.
 */
import { ConnectProxy } from '../drivers/library/proxy/connect-proxy.js';
import type { ClientObservation, Scenario } from '../model/domain.js';
import type { ProxyPlan } from '../drivers/portable/types.js';
import type { ScenarioMaterials } from './scenario-materials.js';

/** by tlsgate's naming convention (TLSGATE_<CATEGORY>_<detail>): a protocol error */
export const PROXY_BYPASSED = 'TLSGATE_PROTOCOL_ERROR_PROXY_BYPASSED';

export interface ScenarioProxy {
  proxy: ConnectProxy;
  plan: ProxyPlan;
}

/** `origin` is read at each CONNECT: the scenario's server may restart between connections */
export async function startScenarioProxy(s: Scenario, m: ScenarioMaterials, origin: { host: string; port: number }): Promise<ScenarioProxy> {
  const config = s.client.proxy!;
  const host = s.client.connect;
  const cert = config.tls ? config.cert : undefined;
  const proxy = await ConnectProxy.start({
    host,
    origin,
    ...(cert ? { tls: { certChainPem: m.pems([cert, ...m.defaultChain(cert)]), keyPem: m.keyOf(cert) } } : {}),
  });
  const urlHost = host === '::1' ? '[::1]' : host;
  const anchors = cert ? config.trust ?? [m.rootOf(cert)] : undefined;
  return {
    proxy,
    plan: {
      url: `${cert ? 'https' : 'http'}://${urlHost}:${proxy.port}`,
      host,
      port: proxy.port,
      ...(cert ? { servername: host, caPem: anchors!.map((id) => m.get(id).pem) } : {}),
    },
  };
}

/**
 * What the proxy saw, added to the client's observation: an acceptance with no CONNECT means the
 * library went around the proxy (TLSGATE_PROXY_BYPASSED); a refusal says whether the proxy's
 * own TLS handshake failed, so a proxy certificate refusal is told apart from the origin's.
 */
export function withProxyRecord(client: ClientObservation, proxy: ConnectProxy): ClientObservation {
  const { connects, tlsError } = proxy.record;
  if (client.outcome === 'accepted' && connects.length === 0) {
    return { ...client, outcome: 'rejected', code: PROXY_BYPASSED, message: 'the client reached the server without a CONNECT through client.proxy' };
  }
  if (client.outcome === 'accepted') return client;
  const seen = connects.length > 0 ? `proxy tunnelled ${connects.join(', ')}` : `no CONNECT reached the proxy${tlsError ? `; its TLS handshake failed: ${tlsError}` : ''}`;
  return { ...client, message: `${client.message ?? ''} [${seen}]` };
}
