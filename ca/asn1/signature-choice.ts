/**
 * Which digest a key signs with, and which key/digest pairs exist: plain code (no ASN.1
 * library), so scenario validation checks a PKI spec without loading one.
 */
import type { KeyAlgorithm, SignatureHash } from '../spec/algorithms.js';

export const ECDSA_OIDS: Readonly<Partial<Record<SignatureHash, string>>> = {
  sha1: '1.2.840.10045.4.1',
  sha256: '1.2.840.10045.4.3.2',
  sha384: '1.2.840.10045.4.3.3',
  sha512: '1.2.840.10045.4.3.4',
};

export const isRsa = (a: KeyAlgorithm): boolean => a.startsWith('rsa-');
export const isEcdsa = (a: KeyAlgorithm): boolean => a.startsWith('ec-');

/** the digest a key signs with when the spec names none: the curve's own size for ECDSA */
export function defaultHash(a: KeyAlgorithm): SignatureHash {
  if (a === 'ec-p384') return 'sha384';
  if (a === 'ec-p521') return 'sha512';
  return 'sha256';
}

/** why this key cannot sign with this digest, or undefined when it can */
export function unsupportedCombination(a: KeyAlgorithm, hash: SignatureHash): string | undefined {
  if (isEcdsa(a) && !ECDSA_OIDS[hash]) return `ECDSA has no ${hash} signature algorithm (md5 exists only with RSA)`;
  if (a === 'rsa-pss-2048' && hash === 'md5') return 'RSA-PSS with md5 has no registered algorithm';
  return undefined;
}
