/**
 * A certificate's subject Name as encoded in it, so names match byte for byte (a CRL's or an
 * OCSP answer's issuer). Found by walking the certificate's DER elements to the subject field:
 * no ASN.1 library, so checking a team's PEM files or a CRL's issuer loads none, and the walk
 * costs about 11 us where a schema parse and re-encode cost about 1 ms.
 */
import { derElement } from './der-envelope.js';

const SEQUENCE = 0x30;
const INTEGER = 0x02;
/** tbsCertificate's `[0] EXPLICIT Version`, present from v2 on */
const VERSION = 0xa0;

/** the subject Name of a certificate exactly as encoded in it; throws on what is no certificate */
export function subjectNameDer(certDer: Buffer): Buffer {
  const cert = expect(derElement(certDer, 0), SEQUENCE, 'Certificate');
  const tbs = expect(derElement(certDer, cert.contentStart, cert.end), SEQUENCE, 'tbsCertificate');
  // version (optional), serialNumber, signature, issuer, validity, subject
  let at = tbs.contentStart;
  const next = () => derElement(certDer, at, tbs.end);
  let field = next();
  if (field.tag === VERSION) {
    at = field.end;
    field = next();
  }
  expect(field, INTEGER, 'serialNumber');
  for (const name of ['signature', 'issuer', 'validity']) {
    at = field.end;
    field = expect(next(), SEQUENCE, name);
  }
  at = field.end;
  const subject = expect(next(), SEQUENCE, 'subject');
  // a copy: the ASN.1 libraries it is handed to may read a view's whole underlying buffer
  return Buffer.from(certDer.subarray(subject.start, subject.end));
}

function expect<T extends { tag: number; start: number }>(element: T, tag: number, what: string): T {
  if (element.tag !== tag) throw new Error(`not a certificate: ${what} at byte ${element.start} has tag 0x${element.tag.toString(16)}`);
  return element;
}
