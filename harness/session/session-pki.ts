/**
 * A scenario's generated PKI on tlsgate's revocation servers: attached with its set-up
 * revocations and faults, and the CRLs a server loads fetched from them. The session and
 * `tlsgate certs` share these.
 */
import type { Materials, RevocationEndpoints } from '../../ca/issue/materials.js';
import type { AttachOptions } from '../../ca/servers/attached-pki.js';
import type { PkiHandle, RevocationServers } from '../../ca/servers/revocation-servers.js';
import { ScenarioError } from '../model/internal-fault.js';
import type { AuditSink } from '../../ca/spec/audit.js';
import type { Scenario } from '../model/domain.js';
import type { PemFilesMaterial, ScenarioMaterials } from './scenario-materials.js';
import { externalIssuersOf, teamCrlsByCa, teamMaterials } from './team-ca.js';
import { issuePki, type IssueOptions } from '../../ca/issue/factory.js';
import { generatedPart } from '../scenario/checks/pki-checks.js';

/** a scenario's generated certificates; those whose issuer is a files CA are signed with the team's key */
export function issueScenarioPki(s: Scenario, files: PemFilesMaterial, options: Omit<IssueOptions, 'externalIssuers'>): Promise<Materials> {
  const spec = generatedPart(s.pki, new Set(Object.keys(s.pemFiles ?? {})));
  return issuePki(spec, { ...options, externalIssuers: externalIssuersOf(spec, files.certs) });
}

/** the PKI served under `ns`, with the scenario's set-up revocations and faults */
export function attachPki(servers: RevocationServers, ns: string, materials: Materials, s: Scenario, options: AttachOptions = {}): PkiHandle {
  const pki = servers.attach(ns, materials, options);
  for (const r of s.pki.revoked ?? []) pki.registry.revoke(r.cert, { reason: r.reason, time: r.time, invalidityDate: r.invalidityDate });
  for (const f of s.faults ?? []) {
    pki.faults.set(f.ca !== undefined ? { caId: f.ca } : { certId: f.cert! }, f.server, f.fault);
  }
  return pki;
}

/**
 * A scenario's certificates on the revocation servers: the generated PKI alone, or with a
 * team's files beside it (their CA keys sign, their own CRLs are served as written, and what
 * those CRLs list is revoked for OCSP too).
 */
export function attachScenarioPki(servers: RevocationServers, ns: string, m: ScenarioMaterials, s: Scenario, audit?: AuditSink): PkiHandle {
  if (!m.ids().some((id) => m.isFromFiles(id))) return attachPki(servers, ns, m.generated!, s, { audit });
  const ownCrls = teamCrlsByCa(m);
  const pki = attachPki(servers, ns, teamMaterials(m, s.pki), s, { ownCrls, audit });
  for (const [ca, der] of ownCrls) {
    for (const entry of m.crls.find((c) => c.der === der)!.parsed.entries) {
      const certId = pki.certBySerial(ca, entry.serialHex);
      if (certId !== undefined && !pki.registry.status(certId)) pki.registry.revoke(certId, { reason: entry.reason, time: entry.revokedAt });
    }
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
