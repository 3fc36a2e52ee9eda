/**
 * One X.509 v3 certificate: the TBSCertificate is built from @peculiar/asn1-x509 structures,
 * signed by `signTbs` (node:crypto), and assembled. Deliberately broken variants (bad signature,
 * wrong issuer name, ...) are made here, on the real structure, so each breaks exactly one thing.
 */
import { randomBytes } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import * as asn1 from '@peculiar/asn1-x509';
import { serialContentOctets } from '../asn1/asn1-values.js';
import { buildExtensions, keyIdentifierOf } from './extensions.js';
import { spkiDer } from './keys.js';
import type { RevocationEndpoints } from './materials.js';
import { defaultHash, signatureAlgorithm, signTbs, type KeyPair } from '../asn1/signer.js';
import type { CertSpec } from '../spec/spec.js';
import * as x509 from '../asn1/x509.js';

export interface CertificateRequest {
  spec: CertSpec;
  key: KeyPair;
  notBefore: Date;
  notAfter: Date;
  /** undefined: self-signed with `key` */
  issuer: IssuerRef | undefined;
  endpoints: RevocationEndpoints | undefined;
}

/** the CA that signs a certificate: its id, its subject as encoded, its key */
export interface IssuerRef {
  id: string;
  subjectDer: Buffer;
  key: KeyPair;
  /** the CA certificate's subjectKeyIdentifier when tlsgate did not make it (the AKI must match it); else derived from `key` */
  keyId?: Buffer | undefined;
}

/** DER of an X.509 Name from a DN string such as `CN=Test Root,O=tlsgate` */
export const nameDer = (dn: string): Buffer => Buffer.from(new x509.Name(dn).toArrayBuffer());

export function issueCertificate(req: CertificateRequest): Buffer {
  const { spec, key } = req;
  const signer = req.issuer?.key ?? key;
  const hash = spec.signature ?? defaultHash(signer.algorithm);
  const spki = spkiDer(key);
  const algorithm = signatureAlgorithm(signer.algorithm, hash);
  const issuerName = spec.broken?.wrongIssuerName !== undefined
    ? nameDer(spec.broken.wrongIssuerName)
    : req.issuer?.subjectDer ?? nameDer(spec.subject);
  const tbs = new asn1.TBSCertificate({
    version: asn1.Version.v3,
    serialNumber: serialBytes(spec.serial),
    signature: algorithm,
    issuer: AsnConvert.parse(issuerName, asn1.Name),
    validity: new asn1.Validity({ notBefore: req.notBefore, notAfter: req.notAfter }),
    subject: AsnConvert.parse(nameDer(spec.subject), asn1.Name),
    subjectPublicKeyInfo: AsnConvert.parse(spki, asn1.SubjectPublicKeyInfo),
    extensions: new asn1.Extensions(buildExtensions({
      spec,
      key: key.algorithm,
      subjectKeyId: keyIdentifierOf(key),
      issuer: req.issuer ? { id: req.issuer.id, keyId: req.issuer.keyId ?? keyIdentifierOf(req.issuer.key) } : undefined,
      endpoints: req.endpoints,
    })),
  });
  const tbsDer = Buffer.from(AsnConvert.serialize(tbs));
  const signature = signTbs(signer, hash, tbsDer);
  if (spec.broken?.badSignature) flipLastBit(signature);
  const cert = new asn1.Certificate({ tbsCertificate: tbs, signatureAlgorithm: algorithm, signatureValue: toArrayBuffer(signature) });
  return Buffer.from(AsnConvert.serialize(cert));
}

/**
 * A positive INTEGER: the spec's hex (validated by `serialProblem`), or 16 random bytes with
 * the top bit clear (127 random bits, over the CA/B Forum's 64) and a non-zero first byte, so
 * DER needs no padding.
 */
function serialBytes(hex: string | undefined): ArrayBuffer {
  if (hex !== undefined) return toArrayBuffer(serialContentOctets(hex));
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return toArrayBuffer(bytes);
}

/** the last byte of any signature is covered by verification: one flipped bit fails it */
function flipLastBit(signature: Buffer): void {
  const last = signature.length - 1;
  signature.writeUInt8(signature.readUInt8(last) ^ 0x01, last);
}

const toArrayBuffer = (b: Buffer): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
