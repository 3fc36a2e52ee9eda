/**
 * RFC 5280 5.3.1 CRLReason codes, shared by CRL entries and OCSP revokedInfo. Code 7 is
 * unassigned, so a reason's index in REVOCATION_REASONS is not its code from removeFromCRL on.
 */
import type { RevocationReason } from '../spec/spec.js';

const REASON_CODES: Readonly<Record<RevocationReason, number>> = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
};

export const reasonCode = (reason: RevocationReason): number => REASON_CODES[reason];

/** the reason for an RFC 5280 code; throws on 7 and anything out of range */
export function reasonFromCode(code: number): RevocationReason {
  const entry = Object.entries(REASON_CODES).find(([, c]) => c === code);
  if (!entry) throw new Error(`CRLReason ${code} is not an RFC 5280 reason code`);
  return entry[0] as RevocationReason;
}
