/**
 * A key no certificate belongs to, one per algorithm and process: what the "wrong-key" fault
 * signs with. Same algorithm as the real signer, so the only thing wrong is the key itself.
 */
import { generateKey } from './keys.js';
import type { KeyPair } from '../asn1/signer.js';
import type { KeyAlgorithm } from '../spec/spec.js';

const keys = new Map<KeyAlgorithm, Promise<KeyPair>>();

export function unrelatedKey(algorithm: KeyAlgorithm): Promise<KeyPair> {
  let key = keys.get(algorithm);
  if (!key) keys.set(algorithm, (key = generateKey(algorithm)));
  return key;
}
