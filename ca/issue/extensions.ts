/**
 * CertSpec -> the certificate's extensions, with role defaults filled in. @peculiar/x509's
 * extension classes build the standard ones; the ones it lacks (name constraints, TLS feature,
 * OCSP no-check, an unknown critical extension) are built from @peculiar/asn1-x509 structures.
 */
import { createHash } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import * as asn1 from '@peculiar/asn1-x509';
import * as x509 from '../asn1/x509.js';
import type { CertSpec, GeneralSubtreesSpec, KeyAlgorithm, KeyUsageName, UrlListSpec } from '../spec/spec.js';
import { spkiDer } from './keys.js';
import type { RevocationEndpoints } from './materials.js';
import type { KeyPair } from '../asn1/signer.js';
import { basicConstraintsOf, extKeyUsageOf, keyUsageOf, ocspNoCheckOf } from './extension-defaults.js';

export const OID = {
  tlsFeature: '1.3.6.1.5.5.7.1.24',
  ocspNoCheck: '1.3.6.1.5.5.7.48.1.5',
  /** a private-arc OID no implementation knows: the "unknown critical extension" variant */
  unknownCritical: '1.3.6.1.4.1.55555.1',
} as const;

/** TLS feature `status_request` (RFC 7633): SEQUENCE { INTEGER 5 } */
const MUST_STAPLE_VALUE = Buffer.from('3003020105', 'hex');
const DER_NULL = Buffer.from('0500', 'hex');

/** RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING's contents */
export function keyIdentifier(spkiDer: Buffer): Buffer {
  const spki = AsnConvert.parse(spkiDer, asn1.SubjectPublicKeyInfo);
  return createHash('sha1').update(Buffer.from(spki.subjectPublicKey)).digest();
}

const keyIds = new WeakMap<KeyPair, Buffer>();

/** keyIdentifier of a key pair, computed once per key */
export function keyIdentifierOf(key: KeyPair): Buffer {
  let id = keyIds.get(key);
  if (!id) keyIds.set(key, (id = keyIdentifier(spkiDer(key))));
  return id;
}

export interface ExtensionContext {
  spec: CertSpec;
  /** the algorithm of the cert's own key */
  key: KeyAlgorithm;
  subjectKeyId: Buffer;
  /** undefined for a self-signed cert */
  issuer: { id: string; keyId: Buffer } | undefined;
  endpoints: RevocationEndpoints | undefined;
}

/** the extensions in the order OpenSSL's tools write them */
export function buildExtensions(ctx: ExtensionContext): asn1.Extension[] {
  const { spec } = ctx;
  const out: x509.Extension[] = [];
  const bc = basicConstraintsOf(spec);
  if (bc) out.push(new x509.BasicConstraintsExtension(bc.ca, bc.pathLen, bc.critical ?? true));
  out.push(new x509.KeyUsagesExtension(keyUsageFlags(keyUsageOf(spec, ctx.key)), true));
  const eku = extKeyUsageOf(spec);
  // an empty list means no extKeyUsage extension at all (any purpose)
  if (eku?.length) out.push(new x509.ExtendedKeyUsageExtension(eku.map((u) => x509.ExtendedKeyUsage[u]), false));
  if (!spec.broken?.omitKeyIdentifiers) {
    out.push(new x509.SubjectKeyIdentifierExtension(ctx.subjectKeyId.toString('hex')));
    if (ctx.issuer) out.push(new x509.AuthorityKeyIdentifierExtension(ctx.issuer.keyId.toString('hex')));
  }
  const san = subjectAltNames(spec);
  // RFC 5280 4.2.1.6: critical when the subject is empty
  if (san.length) out.push(new x509.SubjectAlternativeNameExtension(san, spec.subject.trim() === ''));
  if (spec.nameConstraints) out.push(nameConstraints(spec.nameConstraints.permitted, spec.nameConstraints.excluded, spec.nameConstraints.critical ?? true));
  out.push(...revocationPointers(ctx));
  if (spec.policies?.length) out.push(new x509.CertificatePolicyExtension(spec.policies, false));
  if (spec.mustStaple) out.push(new x509.Extension(OID.tlsFeature, false, MUST_STAPLE_VALUE));
  if (ocspNoCheckOf(spec)) out.push(new x509.Extension(OID.ocspNoCheck, false, DER_NULL));
  if (spec.broken?.unknownCriticalExtension) out.push(new x509.Extension(OID.unknownCritical, true, DER_NULL));
  return out.map((e) => AsnConvert.parse(e.rawData, asn1.Extension));
}

function keyUsageFlags(usages: readonly KeyUsageName[]): number {
  return usages.reduce((flags, u) => flags | x509.KeyUsageFlags[u], 0);
}

function subjectAltNames(spec: CertSpec): Array<{ type: 'dns' | 'ip' | 'url' | 'email'; value: string }> {
  const san = spec.san ?? {};
  return [
    ...(san.dns ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(san.ip ?? []).map((value) => ({ type: 'ip' as const, value })),
    ...(san.uri ?? []).map((value) => ({ type: 'url' as const, value })),
    ...(san.email ?? []).map((value) => ({ type: 'email' as const, value })),
  ];
}

function generalSubtrees(spec: GeneralSubtreesSpec | undefined): asn1.GeneralSubtrees | undefined {
  if (!spec) return undefined;
  const names = [
    ...(spec.dns ?? []).map((dNSName) => new asn1.GeneralName({ dNSName })),
    // the asn1 schema writes `a.b.c.d/len` as the RFC 5280 address+mask octets
    ...(spec.ip ?? []).map((iPAddress) => new asn1.GeneralName({ iPAddress })),
    ...(spec.uri ?? []).map((uniformResourceIdentifier) => new asn1.GeneralName({ uniformResourceIdentifier })),
    ...(spec.email ?? []).map((rfc822Name) => new asn1.GeneralName({ rfc822Name })),
  ];
  return names.length ? new asn1.GeneralSubtrees(names.map((base) => new asn1.GeneralSubtree({ base }))) : undefined;
}

function nameConstraints(permitted: GeneralSubtreesSpec | undefined, excluded: GeneralSubtreesSpec | undefined, critical: boolean): x509.Extension {
  // Object.assign, as the constructor does: a side with no subtrees stays absent from the DER
  const value = Object.assign(new asn1.NameConstraints(), {
    permittedSubtrees: generalSubtrees(permitted),
    excludedSubtrees: generalSubtrees(excluded),
  });
  return new x509.Extension(asn1.id_ce_nameConstraints, critical, AsnConvert.serialize(value));
}

/** CRL distribution points and authority info access; `auto` points at tlsgate's own servers for the issuer */
function revocationPointers(ctx: ExtensionContext): x509.Extension[] {
  const { spec } = ctx;
  const issuerId = ctx.issuer?.id ?? spec.id;
  const urls = (list: UrlListSpec | undefined, auto: (e: RevocationEndpoints) => string): string[] => {
    if (list === undefined) return [];
    if (list !== 'auto') return list;
    if (!ctx.endpoints) throw new Error(`certificate '${spec.id}' uses \`auto\` revocation URLs, but no revocation servers are running to point them at`);
    return [auto(ctx.endpoints)];
  };
  const out: x509.Extension[] = [];
  const crl = urls(spec.crlDistributionPoints, (e) => e.crlUrl(issuerId));
  if (crl.length) out.push(new x509.CRLDistributionPointsExtension(crl, false));
  const ocsp = urls(spec.ocsp, (e) => e.ocspUrl(issuerId));
  const caIssuers = urls(spec.caIssuers, (e) => e.caIssuersUrl(issuerId));
  if (ocsp.length || caIssuers.length) {
    out.push(new x509.AuthorityInfoAccessExtension({
      ...(ocsp.length ? { ocsp: ocsp.map((u) => new x509.GeneralName('url', u)) } : {}),
      ...(caIssuers.length ? { caIssuers: caIssuers.map((u) => new x509.GeneralName('url', u)) } : {}),
    }, false));
  }
  return out;
}
