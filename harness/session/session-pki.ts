/**
 * A scenario's generated PKI on tlsgate's revocation servers: attached with its set-up
 * revocations and faults, and the CRLs a server loads fetched from them. The session and
 * `tlsgate certs` share these.
 */
import type { Materials, RevocationEndpoints } from '../../ca/issue/materials.js';
import type { PkiHandle, RevocationServers } from '../../ca/servers/revocation-servers.js';
import { ScenarioError } from '../model/internal-fault.js';
import type { AuditSink } from '../../ca/spec/audit.js';
import type { Scenario } from '../model/domain.js';

/** the PKI served under `ns`, with the scenario's set-up revocations and faults */
export function attachPki(servers: RevocationServers, ns: string, materials: Materials, s: Scenario, audit?: AuditSink): PkiHandle {
  const pki = servers.attach(ns, materials, audit);
  for (const r of s.pki.revoked ?? []) pki.registry.revoke(r.cert, { reason: r.reason, time: r.time, invalidityDate: r.invalidityDate });
  for (const f of s.faults ?? []) {
    pki.faults.set(f.ca !== undefined ? { caId: f.ca } : { certId: f.cert! }, f.server, f.fault);
  }
  return pki;
}

/** the server's CRLs come from tlsgate's own CRL server, over real HTTP, as PEM */
export function fetchServerCrls(endpoints: RevocationEndpoints, caIds: string[], signal: AbortSignal): Promise<string[]> {
  return Promise.all(caIds.map(async (id) => {
    const failed = (why: string) => new ScenarioError(`CRL of '${id}' could not be loaded for the server: ${why}`);
    const res = await fetch(`${endpoints.crlUrl(id)}?format=pem`, { signal }).catch((err: unknown) => {
      // a fault the scenario injected into the CRL server (reset, hang) lands here
      throw signal.aborted ? err : failed(String((err as Error)?.message ?? err));
    });
    if (!res.ok) throw failed(`HTTP ${res.status}`);
    return res.text();
  }));
}
