/**
 * A certificate's subject Name as encoded in it, so names match byte for byte (a CRL's or an
 * OCSP answer's issuer). Only the ASN.1 schema libraries: checking a team's PEM files needs this
 * without loading @peculiar/x509 (100 ms), which issuing certificates (ca/issue) loads.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import * as asn1 from '@peculiar/asn1-x509';

const subjects = new WeakMap<Buffer, Buffer>();

/** the subject Name of a certificate exactly as encoded in it, so names match byte for byte */
export function subjectNameDer(certDer: Buffer): Buffer {
  let subject = subjects.get(certDer);
  if (!subject) {
    subject = Buffer.from(AsnConvert.serialize(AsnConvert.parse(certDer, asn1.Certificate).tbsCertificate.subject));
    subjects.set(certDer, subject);
  }
  return subject;
}
