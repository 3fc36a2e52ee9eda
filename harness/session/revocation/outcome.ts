/**
 * What one revocation source said about one certificate, and what the client's failure policy
 * makes of it. Only a verified `revoked` refuses under every policy; everything that means "no
 * trustworthy answer" refuses under hard-fail and becomes a warning under soft-fail.
 */
import type { FailurePolicy, RevocationCheck } from '../../model/domain.js';
import type { PeerDecision } from '../../drivers/portable/types.js';

export type RevocationOutcome =
  | { kind: 'good' }
  | { kind: 'revoked'; detail: string }
  | { kind: 'unknown'; detail: string }
  | { kind: 'unavailable'; detail: string }
  | { kind: 'stale'; detail: string }
  | { kind: 'invalid'; detail: string };

export type Source = RevocationCheck['source'];

const CODES: Readonly<Record<Exclude<RevocationOutcome['kind'], 'good'>, (source: Source) => string>> = {
  revoked: (s) => (s === 'crl' ? 'TLSGATE_CRL_REVOKED' : 'TLSGATE_OCSP_REVOKED'),
  unknown: () => 'TLSGATE_OCSP_UNKNOWN',
  unavailable: () => 'TLSGATE_REVOCATION_UNAVAILABLE',
  stale: () => 'TLSGATE_REVOCATION_STALE',
  invalid: (s) => (s === 'crl' ? 'TLSGATE_CRL_INVALID' : 'TLSGATE_OCSP_INVALID'),
};

export interface Judged {
  decision: PeerDecision;
  warning?: string;
}

/** one certificate's outcome under the policy */
export function applyPolicy(outcome: RevocationOutcome, source: Source, label: string, policy: FailurePolicy): Judged {
  if (outcome.kind === 'good') return { decision: { allow: true } };
  const message = `${source === 'staple' ? 'stapled OCSP' : source.toUpperCase()} for ${label}: ${outcome.kind}: ${outcome.detail}`;
  if (outcome.kind === 'revoked' || policy === 'hard') return { decision: { allow: false, code: CODES[outcome.kind](source), message } };
  return { decision: { allow: true }, warning: `soft-fail accepted: ${message}` };
}

export function checkRecord(label: string, serialHex: string, source: Source, url: string | undefined, outcome: RevocationOutcome, ms: number): RevocationCheck {
  return {
    cert: label,
    serial: serialHex,
    source,
    ...(url !== undefined ? { url } : {}),
    result: outcome.kind,
    ...('detail' in outcome ? { detail: outcome.detail } : {}),
    durationMs: ms,
  };
}
