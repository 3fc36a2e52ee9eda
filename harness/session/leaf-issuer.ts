/** Where the server certificate's issuer was during the handshake (leaf-issuer-category.ts says what that means). */
import type { LeafIssuerPlacement } from '../verdict/leaf-issuer-category.js';
import type { Scenario } from '../model/domain.js';
import type { ScenarioMaterials } from './scenario-materials.js';
import { clientAnchorIds } from './tls-plans.js';


export function placeLeafIssuer(s: Scenario, m: ScenarioMaterials): LeafIssuerPlacement {
  const leaf = s.server.cert;
  const issuer = m.nominalIssuer(leaf);
  if (issuer === undefined) return { kind: 'unknown' };
  const issuerDer = m.get(issuer).der;
  const holds = (ids: readonly string[]) => ids.some((id) => m.get(id).der.equals(issuerDer));
  if (holds(s.server.chain ?? m.defaultChain(leaf))) return { kind: 'sent', issuer };
  if (holds(trustedIds(s, m))) return { kind: 'trusted', issuer };
  return { kind: m.isSelfIssued(issuer) ? 'untrusted-root' : 'missing-intermediate', issuer };
}

/** the certificates the client's trust store holds that the harness knows of */
function trustedIds(s: Scenario, m: ScenarioMaterials): string[] {
  const anchors = clientAnchorIds(s, m);
  if (anchors !== 'system') return anchors;
  // Node's own store holds no tlsgate certificate; the environment may add some to it
  const env = s.client.environment;
  return [...(env?.extraCaCerts ?? []), ...(env?.sslCertFile ?? [])];
}
