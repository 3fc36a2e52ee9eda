/**
 * The declarative PKI spec. Scenario files embed exactly this shape (under `pki:`),
 * so it is plain data: strings, numbers, booleans, arrays and objects only.
 */

/** Key algorithms the factory can generate. RSA-512/1024 exist to test legacy refusal. */
export type KeyAlgorithm =
  | 'ec-p256' | 'ec-p384' | 'ec-p521'
  | 'rsa-512' | 'rsa-1024' | 'rsa-2048' | 'rsa-3072' | 'rsa-4096'
  | 'rsa-pss-2048'
  | 'ed25519';

export const KEY_ALGORITHMS: readonly KeyAlgorithm[] = [
  'ec-p256', 'ec-p384', 'ec-p521',
  'rsa-512', 'rsa-1024', 'rsa-2048', 'rsa-3072', 'rsa-4096',
  'rsa-pss-2048', 'ed25519',
];

/** Signature digests. sha1 and md5 are legacy and used to test refusal. Ed25519 ignores this. */
export type SignatureHash = 'sha256' | 'sha384' | 'sha512' | 'sha1' | 'md5';

export const SIGNATURE_HASHES: readonly SignatureHash[] = ['sha256', 'sha384', 'sha512', 'sha1', 'md5'];

/** What a certificate is for; sets sensible default extensions. */
export type CertRole = 'root' | 'intermediate' | 'server' | 'client' | 'ocsp-signer';

export const CERT_ROLES: readonly CertRole[] = ['root', 'intermediate', 'server', 'client', 'ocsp-signer'];

/**
 * A point in time: relative to "now" (`now`, `-1d`, `+90d`, `+1h`, `-30m`, `+10s`, `+2w`, `+1y`)
 * or absolute (ISO 8601, `2030-01-01T00:00:00Z`).
 */
export type TimeSpec = string;

export interface ValiditySpec {
  /** default `-1d` */
  notBefore?: TimeSpec;
  /** default: root/intermediate `+3650d`, leaves `+90d` */
  notAfter?: TimeSpec;
}

export interface BasicConstraintsSpec {
  ca: boolean;
  pathLen?: number;
  /** default true */
  critical?: boolean;
}

export type KeyUsageName =
  | 'digitalSignature' | 'nonRepudiation' | 'keyEncipherment' | 'dataEncipherment'
  | 'keyAgreement' | 'keyCertSign' | 'cRLSign' | 'encipherOnly' | 'decipherOnly';

export type ExtKeyUsageName =
  | 'serverAuth' | 'clientAuth' | 'codeSigning' | 'emailProtection' | 'timeStamping' | 'ocspSigning';

export interface SubjectAltNameSpec {
  dns?: string[];
  /** IPv4 or IPv6 literals */
  ip?: string[];
  /** e.g. spiffe://example.org/service */
  uri?: string[];
  email?: string[];
}

export interface GeneralSubtreesSpec {
  dns?: string[];
  /** CIDR: `127.0.0.0/8`, `::1/128` */
  ip?: string[];
  /** host or `.domain` per RFC 5280 */
  uri?: string[];
  email?: string[];
}

export interface NameConstraintsSpec {
  permitted?: GeneralSubtreesSpec;
  excluded?: GeneralSubtreesSpec;
  /** default true */
  critical?: boolean;
}

/** Deliberately broken variants, for negative tests. */
export interface BrokenSpec {
  /** flip a bit of the signature after signing */
  badSignature?: boolean;
  /** write this DN as issuer instead of the real issuer's subject (still signed by the issuer key) */
  wrongIssuerName?: string;
  /** add an unknown extension (OID 1.3.6.1.4.1.55555.1) marked critical */
  unknownCriticalExtension?: boolean;
  /** a CA certificate with no basicConstraints at all */
  omitBasicConstraints?: boolean;
  /** omit authority/subject key identifiers */
  omitKeyIdentifiers?: boolean;
}

/**
 * `auto` writes the URL of tlsgate's own CRL server / OCSP responder for the issuing CA
 * (known only when the servers run; see Endpoints). An explicit list is written verbatim.
 */
export type UrlListSpec = 'auto' | string[];

export interface CertSpec {
  /** unique within the PKI; how other certs, scenarios and revocations refer to it */
  id: string;
  role: CertRole;
  /** id of the issuing cert; omit for a self-signed cert */
  issuer?: string;
  /** DN string, e.g. `CN=Test Root,O=tlsgate` */
  subject: string;
  /** default ec-p256 */
  key?: KeyAlgorithm;
  /** reuse the key pair of another cert in this PKI (cross-signing: same key, two certs) */
  keyFrom?: string;
  /** default sha256 (sha384 for P-384, sha512 for P-521) */
  signature?: SignatureHash;
  validity?: ValiditySpec;
  /** hex; default: 16 random bytes, positive, >= 64 random bits */
  serial?: string;
  /** default from role: CA roles get {ca:true}, leaves get {ca:false} */
  basicConstraints?: BasicConstraintsSpec;
  /** default from role */
  keyUsage?: KeyUsageName[];
  /** default from role: server→serverAuth, client→clientAuth, ocsp-signer→ocspSigning */
  extKeyUsage?: ExtKeyUsageName[];
  san?: SubjectAltNameSpec;
  nameConstraints?: NameConstraintsSpec;
  crlDistributionPoints?: UrlListSpec;
  ocsp?: UrlListSpec;
  caIssuers?: UrlListSpec;
  /** policy OIDs */
  policies?: string[];
  /** TLS feature extension with status_request (OCSP must-staple) */
  mustStaple?: boolean;
  /** id-pkix-ocsp-nocheck, for delegated OCSP signers */
  ocspNoCheck?: boolean;
  broken?: BrokenSpec;
}

export type RevocationReason =
  | 'unspecified' | 'keyCompromise' | 'cACompromise' | 'affiliationChanged' | 'superseded'
  | 'cessationOfOperation' | 'certificateHold' | 'removeFromCRL' | 'privilegeWithdrawn' | 'aACompromise';

export const REVOCATION_REASONS: readonly RevocationReason[] = [
  'unspecified', 'keyCompromise', 'cACompromise', 'affiliationChanged', 'superseded',
  'cessationOfOperation', 'certificateHold', 'removeFromCRL', 'privilegeWithdrawn', 'aACompromise',
];

export interface RevocationSpec {
  /** cert id */
  cert: string;
  /** default keyCompromise */
  reason?: RevocationReason;
  /** default `-1h` */
  time?: TimeSpec;
  invalidityDate?: TimeSpec;
}

/**
 * How the OCSP responder answers for one CA. Without an entry, the CA signs its own answers
 * and includes no certificates.
 */
export interface ResponderSpec {
  /** id of the CA whose certificates this answers for */
  ca: string;
  /** id of a delegated responder cert issued by that CA (role ocsp-signer); default the CA itself */
  signer?: string;
  /** put the signer's cert in the response; default true for a delegated signer, false for the CA */
  includeCerts?: boolean;
  /** ResponderID by name (default) or by key hash */
  responderId?: 'name' | 'key';
  /** nextUpdate of each answer, relative to the answer's thisUpdate (now); default `+1d`; `none` omits it */
  validity?: TimeSpec | 'none';
}

/** A whole PKI: certificates plus who is revoked at set-up. */
export interface PkiSpec {
  certs: CertSpec[];
  revoked?: RevocationSpec[];
  responders?: ResponderSpec[];
}

/** One problem found in a PkiSpec; `path` points into the spec (e.g. ['certs', 3, 'issuer']). */
export interface SpecProblem {
  path: Array<string | number>;
  message: string;
  /** how to fix it */
  hint?: string;
}
