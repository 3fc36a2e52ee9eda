/**
 * What a CertSpec asks of the standard extensions once role defaults are filled in (basic
 * constraints, key usage, extended key usage, OCSP no-check). Plain data, apart from the
 * encoders in extensions.ts: a run whose certificates all come from the cache describes them
 * from these without loading @peculiar/x509 (~180 ms of a start).
 */
import type { BasicConstraintsSpec, CertRole, CertSpec, ExtKeyUsageName, KeyAlgorithm, KeyUsageName } from '../spec/spec.js';
import { isRsa } from '../asn1/signature-choice.js';

const CA_ROLES: ReadonlySet<CertRole> = new Set(['root', 'intermediate']);

export const isCaRole = (role: CertRole): boolean => CA_ROLES.has(role);

/** the basicConstraints a cert gets; undefined = none at all */
export function basicConstraintsOf(spec: CertSpec): BasicConstraintsSpec | undefined {
  if (spec.broken?.omitBasicConstraints) return undefined;
  return spec.basicConstraints ?? { ca: isCaRole(spec.role) };
}

export function keyUsageOf(spec: CertSpec, key: KeyAlgorithm): KeyUsageName[] {
  if (spec.keyUsage) return spec.keyUsage;
  if (isCaRole(spec.role)) return ['digitalSignature', 'keyCertSign', 'cRLSign'];
  // key encipherment is an RSA key-transport usage; EC and Ed25519 leaves only sign
  return isRsa(key) && spec.role !== 'ocsp-signer' ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'];
}

const ROLE_EKU: Readonly<Record<CertRole, ExtKeyUsageName[] | undefined>> = {
  root: undefined,
  intermediate: undefined,
  server: ['serverAuth'],
  client: ['clientAuth'],
  'ocsp-signer': ['ocspSigning'],
};

export const extKeyUsageOf = (spec: CertSpec): ExtKeyUsageName[] | undefined => spec.extKeyUsage ?? ROLE_EKU[spec.role];

/** delegated responders carry id-pkix-ocsp-nocheck unless the spec says otherwise */
export const ocspNoCheckOf = (spec: CertSpec): boolean => spec.ocspNoCheck ?? spec.role === 'ocsp-signer';
