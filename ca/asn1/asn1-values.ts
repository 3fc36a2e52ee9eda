/**
 * Small ASN.1 values the CRL and OCSP builders share: times, serial numbers, extensions and
 * the facts a certificate contributes (subject Name, public key bits, key identifier).
 * Everything is pkijs / asn1js 4; @peculiar values only ever arrive here as DER.
 */
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { parseDer } from './der.js';
import { canonicalSerialHex, serialContentOctets } from './serial-number.js';

export { canonicalSerialHex, MAX_SERIAL_OCTETS, serialContentOctets, serialProblem } from './serial-number.js';

// ---------------------------------------------------------------- times

/** X.509 and OCSP times have second precision (pkijs would otherwise write milliseconds) */
export function wholeSeconds(date: Date, what: string): Date {
  if (Number.isNaN(date.getTime())) throw new Error(`${what} is not a valid date`);
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** RFC 5280 4.1.2.5: UTCTime for 1950..2049, GeneralizedTime outside that range */
export function x509Time(date: Date, what: string): pkijs.Time {
  const value = wholeSeconds(date, what);
  const year = value.getUTCFullYear();
  const type = year >= 1950 && year < 2050 ? pkijs.TimeType.UTCTime : pkijs.TimeType.GeneralizedTime;
  return new pkijs.Time({ type, value });
}

/** OCSP (RFC 6960) and the invalidity date (RFC 5280 5.3.2) always use GeneralizedTime */
export const generalizedTime = (date: Date, what: string): asn1js.GeneralizedTime =>
  new asn1js.GeneralizedTime({ valueDate: wholeSeconds(date, what) });

// ---------------------------------------------------------------- serial numbers

/** a positive DER INTEGER for a serial given in hex */
export const serialInteger = (hex: string): asn1js.Integer =>
  new asn1js.Integer({ valueHex: new Uint8Array(serialContentOctets(hex)) });

/**
 * The serial hex of a DER INTEGER. A negative serial (malformed certs) keeps its two's-complement
 * bytes, so it does not survive `serialInteger` unchanged; real CAs never issue one.
 */
export const serialHexOf = (integer: asn1js.Integer): string =>
  canonicalSerialHex(Buffer.from(integer.valueBlock.valueHexView).toString('hex'));

export const bigintInteger = (value: bigint): asn1js.Integer => asn1js.Integer.fromBigInt(value);

// ---------------------------------------------------------------- extensions

export const extension = (extnID: string, critical: boolean, value: { toBER(): ArrayBuffer }): pkijs.Extension =>
  new pkijs.Extension({ extnID, critical, extnValue: value.toBER() });

export const findExtension = (extensions: readonly pkijs.Extension[] | undefined, oid: string): pkijs.Extension | undefined =>
  extensions?.find((e) => e.extnID === oid);

/** the DER value inside an extension's OCTET STRING */
export const extensionValue = (ext: pkijs.Extension): asn1js.AsnType =>
  parseDer(ext.extnValue.valueBlock.valueHexView, `extension ${ext.extnID}`);

/** the value of an extension that must hold an `expected` (asn1js class) */
export function typedExtensionValue<T>(ext: pkijs.Extension, expected: new () => T, typeName: string): T {
  const value = extensionValue(ext);
  if (!(value instanceof expected)) throw new Error(`extension ${ext.extnID}: expected ${typeName}`);
  return value;
}

// ---------------------------------------------------------------- certificates

/** certificates are parsed leniently (BER tolerated): broken test certs must still be usable as issuers */
const parsedCertificates = new WeakMap<Uint8Array, pkijs.Certificate>();

/**
 * The CA and responder certificates are parsed on every CRL and OCSP answer: once per buffer is
 * enough (callers treat the result as read-only).
 */
export function parseCertificate(der: Uint8Array, what: string): pkijs.Certificate {
  let cert = parsedCertificates.get(der);
  if (!cert) {
    cert = parseCertificateOnce(der, what);
    parsedCertificates.set(der, cert);
  }
  return cert;
}

function parseCertificateOnce(der: Uint8Array, what: string): pkijs.Certificate {
  const { offset, result } = asn1js.fromBER(der);
  if (offset === -1 || offset !== der.length) throw new Error(`${what}: not a DER certificate`);
  try {
    return new pkijs.Certificate({ schema: result });
  } catch (e) {
    throw new Error(`${what}: not an X.509 certificate (${(e as Error).message})`);
  }
}

/** the subjectPublicKey BIT STRING contents (no unused-bits octet): what OCSP and key ids hash */
export const publicKeyBits = (cert: pkijs.Certificate): Buffer =>
  Buffer.from(cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView);

export const sha1 = (data: Uint8Array): Buffer => createHash('sha1').update(data).digest();

const SUBJECT_KEY_IDENTIFIER = '2.5.29.14';

/** the cert's SubjectKeyIdentifier, or (RFC 5280 4.2.1.2 method 1) SHA-1 of its public key bits */
export function keyIdentifier(cert: pkijs.Certificate): Buffer {
  const ski = findExtension(cert.extensions, SUBJECT_KEY_IDENTIFIER);
  if (!ski) return sha1(publicKeyBits(cert));
  return Buffer.from(typedExtensionValue(ski, asn1js.OctetString, 'OCTET STRING').valueBlock.valueHexView);
}
