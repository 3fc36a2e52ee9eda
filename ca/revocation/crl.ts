/**
 * RFC 5280 v2 CRLs: built with pkijs, signed with node:crypto (see pkijs-signature.ts), and
 * parsed back for tests and the CRL server's own checks.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import {
  bigintInteger, extension, findExtension, generalizedTime, keyIdentifier, parseCertificate, serialHexOf,
  serialInteger, typedExtensionValue, x509Time,
} from '../asn1/asn1-values.js';
import { pkijsFromDer, toDer } from '../asn1/der.js';
import { pemBlock } from '../asn1/pem-blocks.js';
import { signatureAlgorithmFor, signatureBits } from '../asn1/pkijs-signature.js';
import { reasonCode, reasonFromCode } from './revocation-reason.js';
import type { KeyPair } from '../asn1/signer.js';
import type { RevocationReason, SignatureHash } from '../spec/spec.js';

export interface CrlSigner {
  /** the issuing CA: its subject is the CRL issuer, its key id the AKI */
  certDer: Buffer;
  key: KeyPair;
  hash: SignatureHash;
}

export interface CrlEntry {
  serialHex: string;
  revokedAt: Date;
  reason?: RevocationReason;
  invalidityDate?: Date;
  /** DER of an X.509 Name: the entry's certificate issuer, for indirect CRLs */
  certificateIssuerDer?: Buffer;
}

export interface CrlOptions {
  issuer: CrlSigner;
  thisUpdate: Date;
  nextUpdate: Date;
  crlNumber: bigint;
  entries: readonly CrlEntry[];
  /** sign with this key instead of the issuer's (the "wrong key" variant); the issuer name/AKI stay the CA's */
  signingKey?: KeyPair;
  /** a delta CRL: adds the critical Delta CRL Indicator with this base CRL number */
  deltaOf?: bigint;
  /** an indirect CRL: IssuingDistributionPoint (critical) with indirectCRL TRUE */
  indirect?: boolean;
  /** URL for the Freshest CRL extension (points a base CRL at its delta) */
  freshestCrlUrl?: string;
  /** the IssuingDistributionPoint fullName URI (combined with indirectCRL when both are set) */
  distributionPointUrl?: string;
}

export interface ParsedCrlEntry {
  serialHex: string;
  revokedAt: Date;
  reason?: RevocationReason;
  invalidityDate?: Date;
  certificateIssuerDer?: Buffer;
}

export interface ParsedCrl {
  issuerDer: Buffer;
  thisUpdate: Date;
  nextUpdate?: Date;
  crlNumber?: bigint;
  deltaOf?: bigint;
  entries: ParsedCrlEntry[];
  signatureAlgorithmOid: string;
  /** the whole AlgorithmIdentifier (RSA-PSS parameters included), for verifying the signature */
  signatureAlgorithmDer: Buffer;
  tbsDer: Buffer;
  signature: Buffer;
}

const OID = {
  authorityKeyIdentifier: '2.5.29.35',
  crlNumber: '2.5.29.20',
  deltaCrlIndicator: '2.5.29.27',
  issuingDistributionPoint: '2.5.29.28',
  freshestCrl: '2.5.29.46',
  crlReason: '2.5.29.21',
  invalidityDate: '2.5.29.24',
  certificateIssuer: '2.5.29.29',
} as const;

const URI_NAME = 6;
const DIRECTORY_NAME = 4;

const uriName = (url: string): pkijs.GeneralName => new pkijs.GeneralName({ type: URI_NAME, value: url });

function issuingDistributionPoint(opts: CrlOptions): pkijs.Extension | undefined {
  if (!opts.indirect && opts.distributionPointUrl === undefined) return undefined;
  const idp = new pkijs.IssuingDistributionPoint({
    ...(opts.distributionPointUrl !== undefined ? { distributionPoint: [uriName(opts.distributionPointUrl)] } : {}),
    indirectCRL: opts.indirect ?? false,
  });
  // RFC 5280 5.2.5: the IDP is always critical
  return extension(OID.issuingDistributionPoint, true, idp.toSchema());
}

function freshestCrl(url: string): pkijs.Extension {
  const points = new pkijs.CRLDistributionPoints({
    distributionPoints: [new pkijs.DistributionPoint({ distributionPoint: [uriName(url)] })],
  });
  return extension(OID.freshestCrl, false, points.toSchema());
}

function crlExtensions(opts: CrlOptions, caCert: pkijs.Certificate): pkijs.Extension[] {
  const aki = new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: new Uint8Array(keyIdentifier(caCert)) }) });
  const extensions = [
    extension(OID.authorityKeyIdentifier, false, aki.toSchema()),
    extension(OID.crlNumber, false, bigintInteger(opts.crlNumber)),
  ];
  if (opts.deltaOf !== undefined) extensions.push(extension(OID.deltaCrlIndicator, true, bigintInteger(opts.deltaOf)));
  const idp = issuingDistributionPoint(opts);
  if (idp) extensions.push(idp);
  if (opts.freshestCrlUrl !== undefined) extensions.push(freshestCrl(opts.freshestCrlUrl));
  return extensions;
}

function directoryNames(nameDer: Buffer): pkijs.GeneralNames {
  const name = pkijsFromDer(nameDer, 'certificateIssuer Name', (schema) => new pkijs.RelativeDistinguishedNames({ schema }));
  return new pkijs.GeneralNames({ names: [new pkijs.GeneralName({ type: DIRECTORY_NAME, value: name })] });
}

function entryExtensions(entry: CrlEntry): pkijs.Extension[] {
  const extensions: pkijs.Extension[] = [];
  if (entry.reason !== undefined) extensions.push(extension(OID.crlReason, false, new asn1js.Enumerated({ value: reasonCode(entry.reason) })));
  if (entry.invalidityDate !== undefined) extensions.push(extension(OID.invalidityDate, false, generalizedTime(entry.invalidityDate, 'invalidityDate')));
  // RFC 5280 5.3.3: certificateIssuer is critical
  if (entry.certificateIssuerDer) extensions.push(extension(OID.certificateIssuer, true, directoryNames(entry.certificateIssuerDer).toSchema()));
  return extensions;
}

function revokedCertificate(entry: CrlEntry): pkijs.RevokedCertificate {
  const extensions = entryExtensions(entry);
  return new pkijs.RevokedCertificate({
    userCertificate: serialInteger(entry.serialHex),
    revocationDate: x509Time(entry.revokedAt, `revocation date of ${entry.serialHex}`),
    ...(extensions.length > 0 ? { crlEntryExtensions: new pkijs.Extensions({ extensions }) } : {}),
  });
}

/** a signed DER CRL */
export function issueCrl(opts: CrlOptions): Buffer {
  const caCert = parseCertificate(opts.issuer.certDer, 'CRL issuer certificate');
  const signingKey = opts.signingKey ?? opts.issuer.key;
  const algorithm = signatureAlgorithmFor(signingKey, opts.issuer.hash);
  const crl = new pkijs.CertificateRevocationList({
    version: 1, // v2
    signature: algorithm,
    issuer: caCert.subject,
    thisUpdate: x509Time(opts.thisUpdate, 'thisUpdate'),
    nextUpdate: x509Time(opts.nextUpdate, 'nextUpdate'),
    // RFC 5280 5.1.2.6: no revoked certificates means no list at all, not an empty one
    ...(opts.entries.length > 0 ? { revokedCertificates: opts.entries.map(revokedCertificate) } : {}),
    crlExtensions: new pkijs.Extensions({ extensions: crlExtensions(opts, caCert) }),
  });
  // encodeTBS() is protected in pkijs's typings; toSchema(true) encodes the TBS as its first element
  const tbs = crl.toSchema(true).valueBlock.value[0]!;
  const tbsDer = toDer(tbs);
  // CertificateList is assembled here rather than by crl.toSchema(), which re-parses the TBS
  // under asn1js's default 10,000-node limit: that fails from about 1,300 entries with reasons
  const certificateList = new asn1js.Sequence({ value: [tbs, algorithm.toSchema(), signatureBits(signingKey, opts.issuer.hash, tbsDer)] });
  return toDer(certificateList);
}

/** PEM as OpenSSL and Node read it ("X509 CRL"; they reject "BEGIN CRL") */
export const crlPem = (der: Buffer): string => pemBlock(der, 'X509 CRL');

const integerExtension = (extensions: readonly pkijs.Extension[] | undefined, oid: string): bigint | undefined => {
  const ext = findExtension(extensions, oid);
  return ext ? typedExtensionValue(ext, asn1js.Integer, 'INTEGER').toBigInt() : undefined;
};

function certificateIssuerOf(ext: pkijs.Extension): Buffer {
  const names = new pkijs.GeneralNames({ schema: typedExtensionValue(ext, asn1js.Sequence, 'GeneralNames') });
  const directory = names.names.find((n) => n.type === DIRECTORY_NAME);
  if (!directory) throw new Error('certificateIssuer has no directoryName');
  return toDer((directory.value as pkijs.RelativeDistinguishedNames).toSchema());
}

function parseEntry(revoked: pkijs.RevokedCertificate): ParsedCrlEntry {
  const extensions = revoked.crlEntryExtensions?.extensions;
  const reason = findExtension(extensions, OID.crlReason);
  const invalidity = findExtension(extensions, OID.invalidityDate);
  const certificateIssuer = findExtension(extensions, OID.certificateIssuer);
  return {
    serialHex: serialHexOf(revoked.userCertificate),
    revokedAt: revoked.revocationDate.value,
    ...(reason ? { reason: reasonFromCode(typedExtensionValue(reason, asn1js.Enumerated, 'ENUMERATED').valueBlock.valueDec) } : {}),
    ...(invalidity ? { invalidityDate: typedExtensionValue(invalidity, asn1js.GeneralizedTime, 'GeneralizedTime').toDate() } : {}),
    ...(certificateIssuer ? { certificateIssuerDer: certificateIssuerOf(certificateIssuer) } : {}),
  };
}

function parseCrlObject(crl: pkijs.CertificateRevocationList): ParsedCrl {
  const extensions = crl.crlExtensions?.extensions;
  const crlNumber = integerExtension(extensions, OID.crlNumber);
  const deltaOf = integerExtension(extensions, OID.deltaCrlIndicator);
  return {
    issuerDer: toDer(crl.issuer.toSchema()),
    thisUpdate: crl.thisUpdate.value,
    ...(crl.nextUpdate ? { nextUpdate: crl.nextUpdate.value } : {}),
    ...(crlNumber !== undefined ? { crlNumber } : {}),
    ...(deltaOf !== undefined ? { deltaOf } : {}),
    entries: (crl.revokedCertificates ?? []).map(parseEntry),
    signatureAlgorithmOid: crl.signatureAlgorithm.algorithmId,
    signatureAlgorithmDer: toDer(crl.signatureAlgorithm.toSchema()),
    tbsDer: Buffer.from(crl.tbsView),
    signature: Buffer.from(crl.signatureValue.valueBlock.valueHexView),
  };
}

/** room for about 100,000 entries with a reason each; asn1js's default (10,000 nodes) ends near 1,500 */
const CRL_MAX_NODES = 1_000_000;

/** parses a DER CRL; throws an Error starting "CRL:" on anything that is not one */
export function parseCrl(der: Uint8Array): ParsedCrl {
  const crl = pkijsFromDer(der, 'CRL', (schema) => new pkijs.CertificateRevocationList({ schema }), { maxNodes: CRL_MAX_NODES });
  try {
    return parseCrlObject(crl);
  } catch (e) {
    throw new Error(`CRL: ${(e as Error).message}`);
  }
}
