/**
 * Odd but real X.509 certificates and chains for the certificate fuzz, built at the DER level
 * (@peculiar/asn1-x509 structures, node:crypto signatures), so they can hold what the CA never
 * writes: empty names, BMPString/T61String/UniversalString names, serials 0, negative or 20-octet,
 * empty or very long SAN lists, unknown critical and non-critical extensions, DSA, P-192, Ed448 and
 * RSA-PSS keys, 100-deep chains, truncated DER and DER with trailing garbage.
 */
import { constants, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { RsaSaPssParams, id_RSASSA_PSS, id_mgf1, sha256 as sha256Algorithm } from '@peculiar/asn1-rsa';
import * as asn1 from '@peculiar/asn1-x509';

export const KEY_KINDS = ['ec-p256', 'ec-p192', 'dsa', 'ed25519', 'ed448', 'rsa-pss', 'rsa'] as const;
export type KeyKind = (typeof KEY_KINDS)[number];

export const STRING_TYPES = ['utf8', 'bmp', 't61', 'printable', 'universal', 'ia5'] as const;
export type StringType = (typeof STRING_TYPES)[number];

export type NameShape = { kind: 'empty' } | { kind: 'rdns'; type: StringType; values: string[] };

export const SERIAL_KINDS = ['zero', 'negative', 'twenty-octets', 'twenty-one-octets', 'leading-zero', 'small'] as const;
export type SerialKind = (typeof SERIAL_KINDS)[number];

export const SAN_KINDS = ['none', 'empty', 'localhost', 'long', 'odd-types'] as const;
export type SanKind = (typeof SAN_KINDS)[number];

/** extensions relying parties parse (CDP, AIA, SAN, basic constraints, key usages, TLS feature), to fill with garbage */
export const KNOWN_EXTENSION_OIDS = ['2.5.29.31', '1.3.6.1.5.5.7.1.1', '2.5.29.17', '2.5.29.19', '2.5.29.15', '2.5.29.37', '1.3.6.1.5.5.7.1.24'] as const;

export interface ExtraExtension {
  /** a known extension's OID (its value then is garbage), or an unknown one: 1.3.6.1.4.1.55555.2.<arc> */
  oid: string | undefined;
  arc: number;
  critical: boolean;
  bytes: number[];
}

export interface CertShape {
  key: KeyKind;
  subject: NameShape;
  /** write an empty issuer Name instead of the parent's subject */
  emptyIssuer: boolean;
  serial: SerialKind;
  san: SanKind;
  /** how many DNS names a `long` SAN list holds */
  longSanCount: number;
  extensions: ExtraExtension[];
}

export type Mutation = { kind: 'none' } | { kind: 'truncate'; keepFraction: number } | { kind: 'trailing-garbage'; bytes: number[] };

/** one certificate of a chain, as written to a PEM file */
export interface OddCert {
  der: Buffer;
  /** PKCS#8 PEM of its private key */
  keyPem: string;
}

// ---------------------------------------------------------------- keys

const keys = new Map<KeyKind, KeyObject>();

/** one key per kind per process: generating DSA or RSA per certificate would dominate the fuzz */
export function keyOf(kind: KeyKind): KeyObject {
  let key = keys.get(kind);
  if (!key) keys.set(kind, (key = generate(kind)));
  return key;
}

function generate(kind: KeyKind): KeyObject {
  switch (kind) {
    case 'ec-p256': return generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    case 'ec-p192': return generateKeyPairSync('ec', { namedCurve: 'prime192v1' }).privateKey;
    case 'dsa': return generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 }).privateKey;
    case 'ed25519': return generateKeyPairSync('ed25519').privateKey;
    case 'ed448': return generateKeyPairSync('ed448').privateKey;
    case 'rsa-pss': return generateKeyPairSync('rsa-pss', { modulusLength: 2048, hashAlgorithm: 'sha256', mgf1HashAlgorithm: 'sha256' }).privateKey;
    case 'rsa': return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  }
}

const NULL_PARAMS = new Uint8Array([0x05, 0x00]).buffer;

function signatureAlgorithm(kind: KeyKind): asn1.AlgorithmIdentifier {
  switch (kind) {
    case 'ec-p256':
    case 'ec-p192': return new asn1.AlgorithmIdentifier({ algorithm: '1.2.840.10045.4.3.2' });
    case 'dsa': return new asn1.AlgorithmIdentifier({ algorithm: '2.16.840.1.101.3.4.3.2' });
    case 'ed25519': return new asn1.AlgorithmIdentifier({ algorithm: '1.3.101.112' });
    case 'ed448': return new asn1.AlgorithmIdentifier({ algorithm: '1.3.101.113' });
    case 'rsa': return new asn1.AlgorithmIdentifier({ algorithm: '1.2.840.113549.1.1.11', parameters: NULL_PARAMS });
    case 'rsa-pss': return new asn1.AlgorithmIdentifier({
      algorithm: id_RSASSA_PSS,
      parameters: AsnConvert.serialize(new RsaSaPssParams({
        hashAlgorithm: sha256Algorithm,
        maskGenAlgorithm: new asn1.AlgorithmIdentifier({ algorithm: id_mgf1, parameters: AsnConvert.serialize(sha256Algorithm) }),
        saltLength: 32,
      })),
    });
  }
}

function signWith(kind: KeyKind, key: KeyObject, tbs: Buffer): Buffer {
  if (kind === 'ed25519' || kind === 'ed448') return sign(null, tbs, key);
  if (kind === 'rsa-pss') return sign('sha256', tbs, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
  return sign('sha256', tbs, key);
}

// ---------------------------------------------------------------- names, serials, extensions

const ATTRIBUTE_TYPES = ['2.5.4.3', '2.5.4.10', '2.5.4.11', '2.5.4.6', '2.5.4.5'];

export function nameOf(shape: NameShape): asn1.Name {
  if (shape.kind === 'empty') return new asn1.Name([]);
  return new asn1.Name(shape.values.map((value, i) => new asn1.RelativeDistinguishedName([
    new asn1.AttributeTypeAndValue({ type: ATTRIBUTE_TYPES[i % ATTRIBUTE_TYPES.length]!, value: attributeValue(shape.type, value) }),
  ])));
}

function attributeValue(type: StringType, value: string): asn1.AttributeValue {
  switch (type) {
    case 'utf8': return new asn1.AttributeValue({ utf8String: value });
    case 'bmp': return new asn1.AttributeValue({ bmpString: value });
    case 't61': return new asn1.AttributeValue({ teletexString: value });
    case 'printable': return new asn1.AttributeValue({ printableString: value });
    case 'universal': return new asn1.AttributeValue({ universalString: value });
    case 'ia5': return new asn1.AttributeValue({ ia5String: value });
  }
}

/** INTEGER content octets, written as they are (DER-minimal or not) */
function serialOf(kind: SerialKind, index: number): ArrayBuffer {
  const bytes = (() => {
    switch (kind) {
      case 'zero': return [0x00];
      case 'negative': return [0xff, 0x10 + (index & 0x0f)];
      case 'twenty-octets': return [0x7f, ...Array.from({ length: 19 }, (_, i) => (i * 37 + index) & 0xff)];
      case 'twenty-one-octets': return [0x00, 0x80, ...Array.from({ length: 19 }, (_, i) => (i * 11 + index) & 0xff)];
      case 'leading-zero': return [0x00, 0x01 + (index & 0x3f)];
      case 'small': return [0x01 + (index & 0x3f)];
    }
  })();
  return new Uint8Array(bytes).buffer;
}

function sanExtension(shape: CertShape): asn1.Extension | undefined {
  const dns = (name: string) => new asn1.GeneralName({ dNSName: name });
  const names = ((): asn1.GeneralName[] | undefined => {
    switch (shape.san) {
      case 'none': return undefined;
      case 'empty': return [];
      case 'localhost': return [dns('localhost')];
      case 'long': return [...Array.from({ length: shape.longSanCount }, (_, i) => dns(`host-${i}.fuzz.test`)), dns('localhost')];
      case 'odd-types': return [
        new asn1.GeneralName({ iPAddress: '127.0.0.1' }),
        new asn1.GeneralName({ uniformResourceIdentifier: 'spiffe://fuzz.test/odd' }),
        new asn1.GeneralName({ rfc822Name: 'odd@fuzz.test' }),
        new asn1.GeneralName({ registeredID: '1.3.6.1.4.1.55555.3' }),
        new asn1.GeneralName({ directoryName: nameOf({ kind: 'rdns', type: 'bmp', values: ['directory name'] }) }),
        dns('localhost'),
      ];
    }
  })();
  if (!names) return undefined;
  return extension(asn1.id_ce_subjectAltName, false, AsnConvert.serialize(new asn1.SubjectAlternativeName(names)));
}

const extension = (oid: string, critical: boolean, value: ArrayBuffer): asn1.Extension =>
  new asn1.Extension({ extnID: oid, critical, extnValue: new OctetString(value) });

function caExtensions(): asn1.Extension[] {
  return [
    extension(asn1.id_ce_basicConstraints, true, AsnConvert.serialize(new asn1.BasicConstraints({ cA: true }))),
    extension(asn1.id_ce_keyUsage, true, AsnConvert.serialize(new asn1.KeyUsage(asn1.KeyUsageFlags.keyCertSign | asn1.KeyUsageFlags.cRLSign))),
  ];
}

// ---------------------------------------------------------------- certificates and chains

/**
 * A chain, root first: `shapes[0]` is a self-signed root, each next one is issued by the one
 * before, the last is the leaf. With one shape, the leaf is self-signed.
 */
export function oddChain(shapes: readonly CertShape[]): OddCert[] {
  const chain: OddCert[] = [];
  let parent: { name: asn1.Name; kind: KeyKind; key: KeyObject } | undefined;
  shapes.forEach((shape, i) => {
    const isLeaf = i === shapes.length - 1;
    const key = keyOf(shape.key);
    const subject = nameOf(shape.subject);
    const signer = parent ?? { name: subject, kind: shape.key, key };
    const algorithm = signatureAlgorithm(signer.kind);
    const extensions = [
      ...(isLeaf && shapes.length > 1 ? [] : caExtensions()),
      ...(isLeaf ? [sanExtension(shape)].filter((e): e is asn1.Extension => e !== undefined) : []),
      ...shape.extensions.map((e) => extension(e.oid ?? `1.3.6.1.4.1.55555.2.${e.arc}`, e.critical, new Uint8Array(e.bytes).buffer)),
    ];
    const now = Date.now();
    const tbs = new asn1.TBSCertificate({
      version: asn1.Version.v3,
      serialNumber: serialOf(shape.serial, i),
      signature: algorithm,
      issuer: shape.emptyIssuer ? new asn1.Name([]) : signer.name,
      validity: new asn1.Validity({ notBefore: new Date(now - 86_400_000), notAfter: new Date(now + 30 * 86_400_000) }),
      subject,
      subjectPublicKeyInfo: AsnConvert.parse(createPublicKey(key).export({ type: 'spki', format: 'der' }), asn1.SubjectPublicKeyInfo),
      ...(extensions.length ? { extensions: new asn1.Extensions(extensions) } : {}),
    });
    const tbsDer = Buffer.from(AsnConvert.serialize(tbs));
    const signature = signWith(signer.kind, signer.key, tbsDer);
    const cert = new asn1.Certificate({ tbsCertificate: tbs, signatureAlgorithm: algorithm, signatureValue: new Uint8Array(signature).buffer });
    chain.push({ der: Buffer.from(AsnConvert.serialize(cert)), keyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString() });
    parent = { name: subject, kind: shape.key, key };
  });
  return chain;
}

export function mutate(der: Buffer, mutation: Mutation): Buffer {
  switch (mutation.kind) {
    case 'none': return der;
    case 'truncate': return der.subarray(0, Math.max(1, Math.floor(der.length * mutation.keepFraction)));
    case 'trailing-garbage': return Buffer.concat([der, Buffer.from(mutation.bytes)]);
  }
}

export const pemOf = (der: Buffer): string =>
  `-----BEGIN CERTIFICATE-----\n${der.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
