/**
 * Scenario ends + materials -> the plain, serializable plans the drivers run.
 * Defaults live here, in one place: what the server sends, what the client trusts.
 */
import type { ClientPlan, ServerPlan, TlsOptionsPlan } from '../drivers/portable/types.js';
import type { ClientEnd, Scenario, ServerEnd } from '../model/domain.js';
import type { ScenarioMaterials } from './scenario-materials.js';
import { ScenarioError } from '../model/internal-fault.js';

const tlsOptions = (end: ServerEnd | ClientEnd): TlsOptionsPlan => ({
  minVersion: end.minVersion,
  maxVersion: end.maxVersion,
  ciphers: end.ciphers,
  ecdhCurve: end.ecdhCurve,
  alpn: end.alpn,
});

export function serverPlan(s: Scenario, m: ScenarioMaterials, crlPem: string[] | undefined): ServerPlan {
  const end = s.server;
  const chain = end.chain ?? m.defaultChain(end.cert);
  return {
    ...tlsOptions(end),
    host: s.client.connect,
    certChainPem: m.pems([end.cert, ...chain]),
    keyPem: m.keyOf(end.key ?? end.cert),
    clientCaPem: end.clientCert === 'none' ? undefined : serverClientAnchors(s, m).map((id) => m.get(id).pem),
    requestCert: end.clientCert !== 'none',
    requireClientCert: end.clientCert === 'require',
    crlPem,
    authorizeSpiffeIds: end.authorizeSpiffeIds,
    toolFlags: end.toolFlags,
    priority: end.priority,
  };
}

/** who the server trusts for client certs: explicit, else the root of the client's identity (generated only) */
export function serverClientAnchors(s: Scenario, m: ScenarioMaterials): string[] {
  if (s.server.clientCa) return s.server.clientCa;
  return [inferredRoot(m, s.client.identity ?? s.server.cert, 'server.clientCa')];
}

/** who the client trusts: explicit ids, Node's own store, or the root of the server's cert (generated only) */
export function clientAnchorIds(s: Scenario, m: ScenarioMaterials): string[] | 'system' {
  return s.client.trust ?? [inferredRoot(m, s.server.cert, 'client.trust')];
}

/**
 * The root of a generated chain, which tlsgate made and so knows to be the root. A chain that
 * touches pki.files is never followed for trust: a root the peer sends is not an anchor
 * (the loader refuses such a scenario; this guards the other callers).
 */
function inferredRoot(m: ScenarioMaterials, id: string, setting: string): string {
  const path = m.pathToRoot(id);
  const file = path.find((p) => m.isFromFiles(p));
  if (file !== undefined) throw new ScenarioError(`${setting} must be given: '${file}' comes from pki.files, and trust is never inferred from files`);
  return path.at(-1)!;
}

export interface ClientIdentity {
  certChainPem?: string;
  keyPem?: string;
  pfxBase64?: string;
  passphrase?: string;
}

export function clientPlan(
  s: Scenario,
  m: ScenarioMaterials,
  port: number,
  identity: ClientIdentity,
  timeoutMs: number,
): ClientPlan {
  const anchors = clientAnchorIds(s, m);
  return {
    ...tlsOptions(s.client),
    ...identity,
    host: s.client.connect,
    port,
    servername: s.client.servername,
    ...(s.client.checkName === false ? { checkName: false } : {}),
    caPem: anchors === 'system' ? undefined : anchors.map((id) => m.get(id).pem),
    allowPartialTrustChain: s.client.allowPartialTrustChain,
    legacyServerConnect: s.client.legacyServerConnect,
    minDHSize: s.client.minDHSize,
    toolFlags: s.client.toolFlags,
    timeoutMs,
    ...(s.client.library ? { library: structuredClone(s.client.library) } : {}),
  };
}

/** the client identity as PEM (leaf + its issuers, root excluded) */
export function pemIdentity(s: Scenario, m: ScenarioMaterials): ClientIdentity {
  const id = s.client.identity;
  if (!id) return {};
  return { certChainPem: m.pems([id, ...m.defaultChain(id)]), keyPem: m.keyOf(id) };
}
