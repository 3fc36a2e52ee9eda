/**
 * What a relying party reads from a certificate to check its revocation: the CRL distribution
 * points, the OCSP responders, must-staple, and which certificate of a pool issued it.
 */
import { X509Certificate as NodeX509 } from 'node:crypto';
import { createRequire } from 'node:module';
import type { GeneralName } from '@peculiar/asn1-x509';
import { canonicalSerialHex } from '../../../ca/asn1/serial-number.js';
import { formatSubject } from '../../drivers/portable/peer.js';

const TLS_FEATURE = '1.3.6.1.5.5.7.1.24';

export interface CertFacts {
  readonly der: Buffer;
  readonly node: NodeX509;
  readonly serialHex: string;
  readonly label: string;
  readonly crlUrls: string[];
  readonly ocspUrls: string[];
  readonly caIssuersUrls: string[];
  readonly mustStaple: boolean;
  readonly selfIssued: boolean;
}

/**
 * The ASN.1 schemas (~100 modules), required with the first certificate read: a session imports
 * this module for a team's certificates and revocation checks, which most scenarios have none of.
 */
interface Schemas {
  AsnConvert: typeof import('@peculiar/asn1-schema').AsnConvert;
  asn1: typeof import('@peculiar/asn1-x509');
}
let schemas: Schemas | undefined;
function asn1Schemas(): Schemas {
  if (!schemas) {
    const require = createRequire(import.meta.url);
    schemas = { AsnConvert: (require('@peculiar/asn1-schema') as typeof import('@peculiar/asn1-schema')).AsnConvert, asn1: require('@peculiar/asn1-x509') as typeof import('@peculiar/asn1-x509') };
  }
  return schemas;
}

const known = new Map<string, CertFacts>();
const MAX_KNOWN = 5000;

/** facts of a certificate, parsed once per process (the same chains come back every connection) */
export function certFacts(der: Buffer): CertFacts {
  const key = der.toString('base64');
  let facts = known.get(key);
  if (!facts) {
    if (known.size >= MAX_KNOWN) known.clear();
    known.set(key, (facts = parseFacts(der)));
  }
  return facts;
}

/**
 * What OpenSSL accepted may still be odd (found by the certificate fuzz): an extension whose
 * value is not what its OID says, a structure @peculiar/asn1-x509 cannot read, a negative
 * serial. Whatever cannot be read yields no URLs, which is all a relying party could use of it.
 */
function parseFacts(der: Buffer): CertFacts {
  const { AsnConvert, asn1 } = asn1Schemas();
  const node = new NodeX509(der);
  const tbs = readable(() => AsnConvert.parse(der, asn1.Certificate).tbsCertificate);
  const extensions = tbs?.extensions ?? [];
  const value = <T>(oid: string, type: new () => T): T | undefined => {
    const ext = extensions.find((e) => e.extnID === oid);
    return ext ? readable(() => AsnConvert.parse(ext.extnValue, type)) : undefined;
  };
  const cdp = value(asn1.id_ce_cRLDistributionPoints, asn1.CRLDistributionPoints) ?? [];
  const aia = value(asn1.id_pe_authorityInfoAccess, asn1.AuthorityInfoAccessSyntax) ?? [];
  return {
    der,
    node,
    serialHex: serialHexOf(tbs?.serialNumber, node.serialNumber),
    label: formatSubject(node.subject) || '(empty subject)',
    crlUrls: cdp.flatMap((dp) => uris(dp.distributionPoint?.fullName)),
    ocspUrls: uris(aia.filter((a) => a.accessMethod === asn1.id_ad_ocsp).map((a) => a.accessLocation)),
    caIssuersUrls: uris(aia.filter((a) => a.accessMethod === asn1.id_ad_caIssuers).map((a) => a.accessLocation)),
    mustStaple: extensions.some((e) => e.extnID === TLS_FEATURE),
    selfIssued: node.checkIssued(node),
  };
}

function readable<T>(parse: () => T): T | undefined {
  try {
    return parse();
  } catch {
    return undefined;
  }
}

/**
 * The serial as CRL entries and OCSP CertIDs carry it: the INTEGER's own bytes (Node prints a
 * negative serial as `-F0`, which is no hex), else Node's text as it is.
 */
function serialHexOf(integerBytes: ArrayBuffer | undefined, nodeText: string): string {
  const hex = integerBytes && integerBytes.byteLength > 0 ? Buffer.from(integerBytes).toString('hex') : nodeText;
  return readable(() => canonicalSerialHex(hex)) ?? hex.toLowerCase();
}

const uris = (names: readonly GeneralName[] | undefined): string[] =>
  (names ?? []).map((n) => n.uniformResourceIdentifier).filter((u): u is string => u !== undefined);

/** the certificate in `pool` that issued `cert` (name and signature both match) */
export function issuerIn(cert: CertFacts, pool: readonly CertFacts[]): CertFacts | undefined {
  return pool.find((c) => c.der !== cert.der && cert.node.checkIssued(c.node) && cert.node.verify(c.node.publicKey))
    ?? (cert.selfIssued ? cert : undefined);
}
