/**
 * The key algorithms and signature digests the factory knows, as plain values: checks that run
 * at every start (scenario validation) import them from here without loading TypeBox.
 */

/** Key algorithms the factory can generate. RSA-512/1024 exist to test legacy refusal. */
export const KEY_ALGORITHMS = [
  'ec-p256', 'ec-p384', 'ec-p521',
  'rsa-512', 'rsa-1024', 'rsa-2048', 'rsa-3072', 'rsa-4096',
  'rsa-pss-2048', 'ed25519',
] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

/** Signature digests. sha1 and md5 are legacy and used to test refusal. Ed25519 ignores this. */
export const SIGNATURE_HASHES = ['sha256', 'sha384', 'sha512', 'sha1', 'md5'] as const;
export type SignatureHash = (typeof SIGNATURE_HASHES)[number];
