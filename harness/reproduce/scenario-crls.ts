/**
 * The CRLs a reproduction loads, fetched the way a run fetches them: the server's from tlsgate's
 * CRL server, the client's by the same revocation plan a `crl`-mode client uses, through the
 * scenario's CRL faults (so OpenSSL gets exactly the CRLs Node would get).
 */
import type { Materials } from '../../ca/issue/materials.js';
import type { RevocationServers } from '../../ca/servers/revocation-servers.js';
import type { Scenario } from '../model/domain.js';
import { planClientRevocation } from '../session/revocation/plan.js';
import type { ScenarioMaterials } from '../session/scenario-materials.js';
import { attachPki, fetchServerCrls } from '../session/session-pki.js';
import { clientAnchorIds } from '../session/tls-plans.js';

export interface ScenarioCrls {
  /** PEM CRLs the server checks client certificates against */
  server?: string[];
  /** PEM CRLs the client checks the server's chain against */
  client?: string[];
  /** set when the client's CRL check is tlsgate's own reading, not OpenSSL's */
  clientNotExpressible?: string;
}

/** the namespace `tlsgate certs` issues and serves its one PKI under */
export const CERTS_NAMESPACE = 'certs';

export async function scenarioCrls(
  s: Scenario, generated: Materials | undefined, m: ScenarioMaterials, servers: RevocationServers | undefined, signal: AbortSignal,
): Promise<ScenarioCrls> {
  const wantsServer = !!s.server.crl?.length;
  const wantsClient = s.client.revocation?.mode === 'crl';
  if (!wantsServer && !wantsClient) return {};
  if (!servers || !generated) throw new Error(`'${s.id}' checks CRLs, which needs a generated PKI (pki.certs)`);
  const pki = attachPki(servers, CERTS_NAMESPACE, generated, s);
  try {
    const server = wantsServer ? await fetchServerCrls(pki.endpoints, s.server.crl!, signal) : undefined;
    return { ...(server ? { server } : {}), ...(wantsClient ? await clientCrls(s, m, signal) : {}) };
  } finally {
    pki.detach();
  }
}

async function clientCrls(s: Scenario, m: ScenarioMaterials, signal: AbortSignal): Promise<ScenarioCrls> {
  const anchors = clientAnchorIds(s, m);
  const plan = await planClientRevocation({
    config: s.client.revocation!,
    serverChainDer: [s.server.cert, ...(s.server.chain ?? m.defaultChain(s.server.cert))].map((id) => m.get(id).der),
    anchorsDer: anchors === 'system' ? [] : anchors.map((id) => m.get(id).der),
  }, signal);
  if (plan.crlPem) return { client: plan.crlPem };
  return {
    clientNotExpressible: `not every CA's CRL could be had (${plan.found.checks.filter((c) => c.result !== 'good').map((c) => `${c.result}: ${c.detail ?? c.url ?? c.cert}`).join('; ') || 'none fetched'}), so tlsgate judges the CRLs itself instead of handing them to OpenSSL`,
  };
}
