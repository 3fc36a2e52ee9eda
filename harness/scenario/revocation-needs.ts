/**
 * What a scenario asks of tlsgate's revocation servers: read from the scenario alone, so the
 * session, the matrix and `tlsgate certs` decide alike.
 */
import type { Scenario } from '../model/domain.js';

/** some certificate's revocation URLs are `auto`: tlsgate's servers must run to issue it */
export const pointsAtTlsgate = (s: Scenario): boolean =>
  s.pki.certs.some((c) => c.crlDistributionPoints === 'auto' || c.ocsp === 'auto' || c.caIssuers === 'auto');

export function needsRevocationServers(s: Scenario): boolean {
  const usesAuto = pointsAtTlsgate(s);
  const mode = s.client.revocation?.mode ?? 'none';
  return usesAuto || mode !== 'none' || !!s.faults?.length || s.server.staple === 'responder' || !!s.server.crl?.length
    || !!s.pki.revoked?.length || !!s.then?.some((t) => t.revoke?.length || t.unrevoke?.length);
}
