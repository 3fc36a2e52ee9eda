/**
 * Signing pkijs structures with node:crypto (via signer.ts) instead of pkijs's WebCrypto `sign()`,
 * which defaults to SHA-1 and cannot do every algorithm the CA supports. The AlgorithmIdentifier
 * crosses from @peculiar/asn1-x509 (asn1js 3) to pkijs (asn1js 4) as DER.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { pkijsFromDer } from './der.js';
import { signatureAlgorithmDer, signTbs, type KeyPair } from './signer.js';
import type { SignatureHash } from '../spec/spec.js';

/** the signature AlgorithmIdentifier for `key` signing with `hash` (Ed25519 ignores the hash) */
export const signatureAlgorithmFor = (key: KeyPair, hash: SignatureHash): pkijs.AlgorithmIdentifier =>
  pkijsFromDer(signatureAlgorithmDer(key.algorithm, hash), 'signature AlgorithmIdentifier', (schema) => new pkijs.AlgorithmIdentifier({ schema }));

/** the signature BIT STRING over `tbsDer` */
export const signatureBits = (key: KeyPair, hash: SignatureHash, tbsDer: Uint8Array): asn1js.BitString =>
  new asn1js.BitString({ valueHex: new Uint8Array(signTbs(key, hash, tbsDer)) });
