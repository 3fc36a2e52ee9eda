/**
 * One certificate's facts, as the lint rules read them: names, validity, key, signature digest,
 * constraints, usages, revocation pointers. Extensions are parsed with @peculiar/x509 (loaded
 * after its reflect polyfill by ca/asn1/x509.ts); key sizes and issuer checks come from
 * node:crypto, which answers them the way OpenSSL does for the handshake.
 */
import { createHash, X509Certificate as NodeCertificate } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { RsaSaPssParams } from '@peculiar/asn1-rsa';
import { Certificate } from '@peculiar/asn1-x509';
import * as x509 from '../../ca/asn1/x509.js';
import type { CertRef } from './findings.js';

export type KeyKind = 'rsa' | 'rsa-pss' | 'ec' | 'ed25519' | 'ed448' | 'dsa' | 'other';

export interface KeyFacts {
  kind: KeyKind;
  /** RSA/DSA modulus bits, EC field bits (256 for P-256), 256/456 for Ed25519/Ed448 */
  bits: number;
  /** the EC curve's name as node:crypto gives it (`prime256v1`) */
  curve?: string;
}

export interface SanFacts {
  dns: string[];
  ip: string[];
  uri: string[];
  email: string[];
}

export interface CertFacts {
  ref: CertRef;
  /** SHA-256 of the DER: duplicates are equal bytes */
  fingerprint: string;
  subject: string;
  issuer: string;
  /** the subject's CN, if it has one */
  commonName?: string;
  notBefore: Date;
  notAfter: Date;
  key: KeyFacts;
  /** the signature's digest (`sha256`, `sha1`, `md5`), undefined for Ed25519/Ed448 */
  signatureDigest?: string;
  /** the signature algorithm's name, for messages */
  signatureName: string;
  /** basicConstraints cA */
  isCa: boolean;
  keyUsage?: { critical: boolean; flags: number };
  extKeyUsage?: string[];
  /** undefined when the certificate has no SAN extension */
  san?: SanFacts;
  crlUrls: string[];
  ocspUrls: string[];
  mustStaple: boolean;
  selfIssued: boolean;
  node: NodeCertificate;
}

export const KEY_USAGE = x509.KeyUsageFlags;
export const EKU = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2' } as const;

const TLS_FEATURE = '1.3.6.1.5.5.7.1.24';
/** status_request in a TLS Feature extension: `SEQUENCE { INTEGER 5 }` */
const MUST_STAPLE_VALUE = '3003020105';

/** signature algorithm OIDs -> digest and name; RSASSA-PSS names its digest in parameters */
const SIGNATURES: Readonly<Record<string, { digest?: string; name: string }>> = {
  '1.2.840.113549.1.1.2': { digest: 'md2', name: 'md2WithRSAEncryption' },
  '1.2.840.113549.1.1.3': { digest: 'md4', name: 'md4WithRSAEncryption' },
  '1.2.840.113549.1.1.4': { digest: 'md5', name: 'md5WithRSAEncryption' },
  '1.2.840.113549.1.1.5': { digest: 'sha1', name: 'sha1WithRSAEncryption' },
  '1.3.14.3.2.29': { digest: 'sha1', name: 'sha1WithRSA' },
  '1.2.840.10045.4.1': { digest: 'sha1', name: 'ecdsa-with-SHA1' },
  '1.2.840.10040.4.3': { digest: 'sha1', name: 'dsa-with-SHA1' },
  '1.2.840.113549.1.1.14': { digest: 'sha224', name: 'sha224WithRSAEncryption' },
  '1.2.840.113549.1.1.11': { digest: 'sha256', name: 'sha256WithRSAEncryption' },
  '1.2.840.113549.1.1.12': { digest: 'sha384', name: 'sha384WithRSAEncryption' },
  '1.2.840.113549.1.1.13': { digest: 'sha512', name: 'sha512WithRSAEncryption' },
  '1.2.840.10045.4.3.1': { digest: 'sha224', name: 'ecdsa-with-SHA224' },
  '1.2.840.10045.4.3.2': { digest: 'sha256', name: 'ecdsa-with-SHA256' },
  '1.2.840.10045.4.3.3': { digest: 'sha384', name: 'ecdsa-with-SHA384' },
  '1.2.840.10045.4.3.4': { digest: 'sha512', name: 'ecdsa-with-SHA512' },
  '2.16.840.1.101.3.4.3.2': { digest: 'sha256', name: 'dsa-with-SHA256' },
  '1.3.101.112': { name: 'Ed25519' },
  '1.3.101.113': { name: 'Ed448' },
};
const RSASSA_PSS = '1.2.840.113549.1.1.10';
const DIGEST_OIDS: Readonly<Record<string, string>> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

const CURVE_BITS: Readonly<Record<string, number>> = {
  prime192v1: 192, secp224r1: 224, prime256v1: 256, secp256k1: 256, secp384r1: 384, secp521r1: 521,
  brainpoolP256r1: 256, brainpoolP384r1: 384, brainpoolP512r1: 512,
};

/** throws when the bytes are not a certificate both parsers read */
export function certFacts(der: Uint8Array, at: Pick<CertRef, 'index' | 'line'>): CertFacts {
  const node = new NodeCertificate(der);
  const cert = new x509.X509Certificate(der);
  const subject = cert.subject;
  const serial = serialHex(cert.serialNumber);
  const bc = cert.getExtension(x509.BasicConstraintsExtension);
  const ku = cert.getExtension(x509.KeyUsagesExtension);
  const eku = cert.getExtension(x509.ExtendedKeyUsageExtension);
  const aia = cert.getExtension(x509.AuthorityInfoAccessExtension);
  const feature = cert.getExtension(TLS_FEATURE);
  const signature = signatureOf(der);
  const commonName = cert.subjectName.getField('CN')[0];
  return {
    ref: { subject, serial, ...at },
    fingerprint: createHash('sha256').update(der).digest('hex'),
    subject,
    issuer: cert.issuer,
    ...(commonName !== undefined ? { commonName } : {}),
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    key: keyOf(node),
    ...(signature.digest !== undefined ? { signatureDigest: signature.digest } : {}),
    signatureName: signature.name,
    isCa: bc?.ca === true,
    ...(ku ? { keyUsage: { critical: ku.critical, flags: ku.usages } } : {}),
    ...(eku ? { extKeyUsage: eku.usages.map(String) } : {}),
    ...sanOf(cert),
    crlUrls: crlUrlsOf(cert),
    ocspUrls: (aia?.ocsp ?? []).filter((n) => n.type === 'url').map((n) => n.value),
    mustStaple: feature !== null && Buffer.from(feature.value).toString('hex') === MUST_STAPLE_VALUE,
    selfIssued: node.checkIssued(node),
    node,
  };
}

/** lowercase hex without the DER sign octet, as `openssl x509 -serial` prints it */
function serialHex(hex: string): string {
  const lower = hex.toLowerCase();
  return lower.length > 2 && lower.startsWith('00') ? lower.slice(2) : lower;
}

function keyOf(node: NodeCertificate): KeyFacts {
  const key = node.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa': return { kind: 'rsa', bits: details.modulusLength ?? 0 };
    case 'rsa-pss': return { kind: 'rsa-pss', bits: details.modulusLength ?? 0 };
    case 'dsa': return { kind: 'dsa', bits: details.modulusLength ?? 0 };
    case 'ec': {
      const curve = details.namedCurve ?? 'unknown';
      return { kind: 'ec', bits: CURVE_BITS[curve] ?? 0, curve };
    }
    case 'ed25519': return { kind: 'ed25519', bits: 256 };
    case 'ed448': return { kind: 'ed448', bits: 456 };
    default: return { kind: 'other', bits: 0 };
  }
}

function signatureOf(der: Uint8Array): { digest?: string; name: string } {
  const parsed = AsnConvert.parse(der, Certificate);
  const { algorithm, parameters } = parsed.signatureAlgorithm;
  if (algorithm === RSASSA_PSS) {
    // RFC 4055: absent hashAlgorithm parameters mean SHA-1
    const params = parameters ? AsnConvert.parse(parameters, RsaSaPssParams) : new RsaSaPssParams();
    const digest = DIGEST_OIDS[params.hashAlgorithm.algorithm] ?? params.hashAlgorithm.algorithm;
    return { digest, name: `RSASSA-PSS with ${digest}` };
  }
  return SIGNATURES[algorithm] ?? { name: algorithm, digest: algorithm };
}

function sanOf(cert: x509.X509Certificate): { san?: SanFacts } {
  const ext = cert.getExtension(x509.SubjectAlternativeNameExtension);
  if (!ext) return {};
  const san: SanFacts = { dns: [], ip: [], uri: [], email: [] };
  for (const name of ext.names.items) {
    if (name.type === 'dns') san.dns.push(name.value);
    if (name.type === 'ip') san.ip.push(name.value);
    if (name.type === 'url') san.uri.push(name.value);
    if (name.type === 'email') san.email.push(name.value);
  }
  return { san };
}

function crlUrlsOf(cert: x509.X509Certificate): string[] {
  const ext = cert.getExtension(x509.CRLDistributionPointsExtension);
  return (ext?.distributionPoints ?? []).flatMap((dp) => (dp.distributionPoint?.fullName ?? [])
    .map((n) => n.uniformResourceIdentifier)
    .filter((u): u is string => u !== undefined));
}

/** every SAN as text, for `san:` globs */
export const allSans = (c: CertFacts): string[] => (c.san ? [...c.san.dns, ...c.san.ip, ...c.san.uri, ...c.san.email] : []);

/** lifetime in ms */
export const lifetimeMs = (c: CertFacts): number => c.notAfter.getTime() - c.notBefore.getTime();

/** does `issuer` issue `subject` (names match and its key verifies the signature)? */
export function issues(issuer: CertFacts, subject: CertFacts): boolean {
  if (!subject.node.checkIssued(issuer.node)) return false;
  try {
    return subject.node.verify(issuer.node.publicKey);
  } catch {
    // a digest this OpenSSL cannot verify with (MD2, MD4): the names and key ids matched
    return true;
  }
}
