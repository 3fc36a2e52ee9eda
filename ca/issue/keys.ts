/**
 * Key pairs: generated with node:crypto (asynchronously, so RSA generation uses both cores) and
 * kept in the cache folder as PKCS#8 PEM, mode 0600. Keys do not expire, certificates do, so
 * keys are cached apart from certificates and a "next day" run generates none.
 *
 * A key is named by its algorithm and a slot (the factory derives the slot from the cert's id
 * and subject), so the same spec gets the same key on every run and in every process.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readIfExists, writeFileAtomic } from './atomic-file.js';
import { markUsedLater } from './cache-folder.js';
import type { KeyPair } from '../asn1/signer.js';
import type { KeyAlgorithm } from '../spec/spec.js';

const generate = promisify(generateKeyPair) as (type: string, options: Record<string, unknown>) => Promise<{ privateKey: KeyObject; publicKey: KeyObject }>;

const GENERATORS: Readonly<Record<KeyAlgorithm, () => Promise<{ privateKey: KeyObject; publicKey: KeyObject }>>> = {
  'ec-p256': () => generate('ec', { namedCurve: 'prime256v1' }),
  'ec-p384': () => generate('ec', { namedCurve: 'secp384r1' }),
  'ec-p521': () => generate('ec', { namedCurve: 'secp521r1' }),
  'rsa-512': () => generate('rsa', { modulusLength: 512 }),
  'rsa-1024': () => generate('rsa', { modulusLength: 1024 }),
  'rsa-2048': () => generate('rsa', { modulusLength: 2048 }),
  'rsa-3072': () => generate('rsa', { modulusLength: 3072 }),
  'rsa-4096': () => generate('rsa', { modulusLength: 4096 }),
  // a plain RSA key that signs with PSS: the common deployed form (rsaEncryption SPKI)
  'rsa-pss-2048': () => generate('rsa', { modulusLength: 2048 }),
  ed25519: () => generate('ed25519', {}),
};

export async function generateKey(algorithm: KeyAlgorithm): Promise<KeyPair> {
  const { privateKey, publicKey } = await GENERATORS[algorithm]();
  return { algorithm, privateKey, publicKey };
}

export function keyPairFromPem(algorithm: KeyAlgorithm, pem: string): KeyPair {
  const privateKey = createPrivateKey(pem);
  return { algorithm, privateKey, publicKey: createPublicKey(privateKey) };
}

/** a value derived from a key, computed once per key pair (exports are costly on a hot path) */
function memoized<T>(derive: (key: KeyPair) => T): (key: KeyPair) => T {
  const memo = new WeakMap<KeyPair, T>();
  return (key) => {
    if (!memo.has(key)) memo.set(key, derive(key));
    return memo.get(key)!;
  };
}

export const privateKeyPem = memoized((key) => key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());

export const spkiDer = memoized((key) => key.publicKey.export({ type: 'spki', format: 'der' }));

/** SHA-256 of the SubjectPublicKeyInfo, hex: names a key in cache keys and logs */
export const keyFingerprint = memoized((key) => createHash('sha256').update(spkiDer(key)).digest('hex'));

/** Keys by (algorithm, slot): memory first, then the cache folder, then generation. */
export class KeyStore {
  /**
   * By algorithm and slot, so a key asked for again (each scenario asks for its file's keys) costs
   * a lookup: its file name, a hash, was 80 ms of the catalogue when computed on every request
   */
  private readonly pending = new Map<string, Promise<KeyPair>>();

  /** `dir` undefined: keys live in memory only */
  constructor(private readonly dir: string | undefined) {}

  get(algorithm: KeyAlgorithm, slot: string): Promise<KeyPair> {
    const asked = `${algorithm}\0${slot}`;
    let key = this.pending.get(asked);
    if (!key) {
      key = this.load(algorithm, slot);
      this.pending.set(asked, key);
      key.catch(() => this.pending.delete(asked));
    }
    return key;
  }

  private async load(algorithm: KeyAlgorithm, slot: string): Promise<KeyPair> {
    if (!this.dir) return generateKey(algorithm);
    const path = join(this.dir, `${algorithm}-${createHash('sha256').update(slot).digest('hex').slice(0, 24)}.key`);
    const cached = await readIfExists(path);
    if (cached !== undefined) {
      try {
        const key = keyPairFromPem(algorithm, cached);
        markUsedLater(path);
        return key;
      } catch {
        // a corrupt cache entry (disk full, manual edit): make a new key and replace it
      }
    }
    const fresh = await generateKey(algorithm);
    const policy = cached === undefined ? 'keep-first' : 'replace';
    const stored = await writeFileAtomic(path, privateKeyPem(fresh), { mode: 0o600, policy });
    return keyPairFromPem(algorithm, stored.toString());
  }
}
