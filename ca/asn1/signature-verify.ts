/**
 * Verifies a signature given its AlgorithmIdentifier (DER), as relying parties do for CRLs and
 * OCSP responses: the inverse of `signer.ts`, for any algorithm node:crypto has. An algorithm it
 * does not know verifies as false, never as true.
 */
import { constants, verify, type KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import * as rsa from '@peculiar/asn1-rsa';

const DIGEST_OF: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.4': 'md5',
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};

const HASH_OIDS: Readonly<Record<string, string>> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

const ED25519 = '1.3.101.112';

export function verifySignature(algorithmDer: Uint8Array, publicKey: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    const alg = AsnConvert.parse(algorithmDer, AlgorithmIdentifier);
    if (alg.algorithm === ED25519) return verify(null, data, publicKey, signature);
    if (alg.algorithm === rsa.id_RSASSA_PSS) return verifyPss(alg, publicKey, data, signature);
    const digest = DIGEST_OF[alg.algorithm];
    return digest !== undefined && verify(digest, data, publicKey, signature);
  } catch {
    // a key of the wrong type, malformed parameters, a library refusal: not a valid signature
    return false;
  }
}

function verifyPss(alg: AlgorithmIdentifier, publicKey: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  if (!alg.parameters) return false;
  const params = AsnConvert.parse(alg.parameters, rsa.RsaSaPssParams);
  const digest = HASH_OIDS[params.hashAlgorithm.algorithm];
  if (digest === undefined) return false;
  return verify(digest, data, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: params.saltLength }, signature);
}
