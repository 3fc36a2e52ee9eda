/**
 * Signing for every structure the CA makes (certificates, CRLs, OCSP responses): node:crypto
 * signs the to-be-signed DER, so every algorithm OpenSSL has is available, including the legacy
 * ones WebCrypto refuses (MD5, RSA-512). The AlgorithmIdentifier goes out as DER, the one form
 * @peculiar/asn1-x509 and pkijs (which use different asn1js majors) both read.
 */
import { constants, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import * as rsa from '@peculiar/asn1-rsa';
import type { KeyAlgorithm, SignatureHash } from '../spec/spec.js';
import { ECDSA_OIDS, isEcdsa, unsupportedCombination } from './signature-choice.js';

export { defaultHash, isEcdsa, isRsa, unsupportedCombination } from './signature-choice.js';

export interface KeyPair {
  readonly algorithm: KeyAlgorithm;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

const RSA_OIDS: Readonly<Record<SignatureHash, string>> = {
  md5: '1.2.840.113549.1.1.4',
  sha1: '1.2.840.113549.1.1.5',
  sha256: '1.2.840.113549.1.1.11',
  sha384: '1.2.840.113549.1.1.12',
  sha512: '1.2.840.113549.1.1.13',
};


const ED25519_OID = '1.3.101.112';
const PSS_SALT: Readonly<Record<SignatureHash, number>> = { md5: 16, sha1: 20, sha256: 32, sha384: 48, sha512: 64 };
const HASH_ALGORITHMS: Readonly<Record<SignatureHash, AlgorithmIdentifier>> = {
  md5: new AlgorithmIdentifier({ algorithm: '1.2.840.113549.2.5', parameters: null }),
  sha1: rsa.sha1,
  sha256: rsa.sha256,
  sha384: rsa.sha384,
  sha512: rsa.sha512,
};

export function signatureAlgorithm(a: KeyAlgorithm, hash: SignatureHash): AlgorithmIdentifier {
  if (a === 'ed25519') return new AlgorithmIdentifier({ algorithm: ED25519_OID });
  if (isEcdsa(a)) {
    const oid = ECDSA_OIDS[hash];
    if (!oid) throw new Error(unsupportedCombination(a, hash));
    return new AlgorithmIdentifier({ algorithm: oid });
  }
  if (a === 'rsa-pss-2048') {
    const hashAlgorithm = HASH_ALGORITHMS[hash];
    const params = new rsa.RsaSaPssParams({
      hashAlgorithm,
      maskGenAlgorithm: new AlgorithmIdentifier({ algorithm: rsa.id_mgf1, parameters: AsnConvert.serialize(hashAlgorithm) }),
      saltLength: PSS_SALT[hash],
    });
    return new AlgorithmIdentifier({ algorithm: rsa.id_RSASSA_PSS, parameters: AsnConvert.serialize(params) });
  }
  return new AlgorithmIdentifier({ algorithm: RSA_OIDS[hash], parameters: null });
}

/** DER of the AlgorithmIdentifier, for libraries built on another asn1js (pkijs) */
export const signatureAlgorithmDer = (a: KeyAlgorithm, hash: SignatureHash): Buffer =>
  Buffer.from(AsnConvert.serialize(signatureAlgorithm(a, hash)));

function signOptions(key: KeyPair, hash: SignatureHash): { digest: string | null; options: Record<string, unknown> } {
  if (key.algorithm === 'ed25519') return { digest: null, options: {} };
  if (key.algorithm === 'rsa-pss-2048') {
    return { digest: hash, options: { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: PSS_SALT[hash] } };
  }
  // ECDSA signatures go into X.509 as DER (node's default dsaEncoding)
  return { digest: hash, options: {} };
}

/** signs `tbs` (the DER of the to-be-signed part) */
export function signTbs(key: KeyPair, hash: SignatureHash, tbs: Uint8Array): Buffer {
  const { digest, options } = signOptions(key, hash);
  return cryptoSign(digest, tbs, { key: key.privateKey, ...options });
}

export function verifyTbs(key: KeyPair, hash: SignatureHash, tbs: Uint8Array, signature: Uint8Array): boolean {
  const { digest, options } = signOptions(key, hash);
  return cryptoVerify(digest, tbs, { key: key.publicKey, ...options }, signature);
}
