/**
 * What a client-side revocation check finds and hands back (plan.ts makes it): plain data, so a
 * session imports it without the OCSP and CRL code, which loads only for a scenario that checks
 * revocation (pkijs and the ASN.1 schemas: ~200 ms of a start).
 */
import type { HandshakeFacts, PeerDecision } from '../../drivers/portable/types.js';
import type { RevocationCheck } from '../../model/domain.js';

/** what a stage of the revocation check found: the observation's `revocation` and `warnings` */
export interface RevocationFindings {
  checks: RevocationCheck[];
  warnings: string[];
}

/** the after-handshake decision, with what was found to reach it */
export interface RevocationDecision extends RevocationFindings {
  decision: PeerDecision;
}

export interface RevocationPlan {
  /** PEM CRLs for the handshake's `crl` option */
  crlPem?: string[];
  requestOCSP?: boolean;
  /** what planning found (the CRLs fetched before connecting) */
  found: RevocationFindings;
  /** decides after the handshake, before application data; the caller keeps what it found */
  afterHandshake?: (facts: HandshakeFacts) => Promise<RevocationDecision>;
}

export const NOTHING_FOUND: RevocationFindings = Object.freeze({ checks: [], warnings: [] });

/** the findings of several stages, in order (copies: the inputs stay as they are) */
export const combineFindings = (...stages: readonly RevocationFindings[]): RevocationFindings => ({
  checks: stages.flatMap((f) => f.checks),
  warnings: stages.flatMap((f) => f.warnings),
});
