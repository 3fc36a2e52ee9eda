/**
 * The closed lists the domain and both public formats share, with no imports: the scenario and
 * report schemas (TypeBox) and the domain types all take them from here.
 */
/**
 * The stable error taxonomy. OpenSSL codes change between versions; categories do not.
 * harness/verdict/taxonomy.ts maps codes and messages to these, and README documents the mapping.
 * The one list: the scenario and report schemas take their enums from it.
 */
export const CATEGORIES = [
  'expired', 'not-yet-valid', 'untrusted-root', 'self-signed', 'incomplete-chain',
  'hostname-mismatch', 'bad-purpose', 'not-a-ca', 'path-length', 'name-constraints',
  'weak-key', 'weak-signature', 'bad-signature', 'unsupported-extension', 'malformed-cert',
  'client-cert-required', 'client-cert-rejected', 'protocol-mismatch', 'no-shared-cipher',
  'alpn-mismatch', 'revoked', 'revocation-unavailable', 'revocation-stale', 'revocation-invalid',
  'timeout', 'reset', 'protocol-error', 'config-error', 'unknown',
] as const;

export type Category = (typeof CATEGORIES)[number];

/** what a connection did (the scenario file's `accept`/`reject` is what it must do) */
export const OBSERVED_OUTCOMES = ['accepted', 'rejected'] as const;
export type ObservedOutcome = (typeof OBSERVED_OUTCOMES)[number];
