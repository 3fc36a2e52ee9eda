import type { KeyPair } from '../asn1/signer.js';
import type { CertSpec, PkiSpec } from '../spec/spec.js';

/** One certificate as issued by the factory, with everything a TLS end or an oracle needs. */
export interface IssuedCert {
  readonly id: string;
  /** the spec it was issued from, with role defaults filled in */
  readonly spec: CertSpec;
  readonly der: Buffer;
  readonly pem: string;
  /** PKCS#8 PEM private key */
  readonly keyPem: string;
  /** lowercase hex, no leading zeros beyond what DER needs */
  readonly serialHex: string;
  readonly subject: string;
  readonly issuerId: string | undefined;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly isCa: boolean;
  /** SHA-256 of the DER, lowercase hex */
  readonly fingerprint256: string;
}

/** Where tlsgate's own revocation servers are, for `auto` URLs in certificates. */
export interface RevocationEndpoints {
  /** URL of the CRL of CA `caId`, DER (append `?format=pem` for PEM) */
  crlUrl(caId: string): string;
  /** base URL of the OCSP responder that answers for certificates issued by `caId` */
  ocspUrl(caId: string): string;
  /** URL of the CA certificate (AIA caIssuers) */
  caIssuersUrl(caId: string): string;
}

/** The output of issuing a whole PkiSpec. */
export interface Materials {
  readonly spec: PkiSpec;
  /** every cert by id */
  readonly certs: ReadonlyMap<string, IssuedCert>;
  get(id: string): IssuedCert;
  /** the key pair of cert `id` (what signs its CRLs and OCSP answers when it is a CA) */
  key(id: string): KeyPair;
  /** ids from `id` up to its self-signed root, leaf first (stops on a cycle or a missing issuer) */
  pathToRoot(id: string): string[];
}
