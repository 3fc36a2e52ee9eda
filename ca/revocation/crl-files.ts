/**
 * CRL files in either encoding: a team's files hold bundles (a fullchain) and CRLs concatenated,
 * PEM or DER, as `openssl ca -gencrl` writes them. (PEM blocks themselves: ca/asn1/pem-blocks.ts.)
 */
import type { X509Certificate } from 'node:crypto';
import { subjectNameDer } from '../asn1/certificate-name.js';
import { pemBlocks } from '../asn1/pem-blocks.js';
import { verifySignature } from '../asn1/signature-verify.js';
import { parseCrl, type ParsedCrl } from './crl.js';

export interface ReadCrl {
  der: Buffer;
  parsed: ParsedCrl;
}

/** `ca` issued this CRL: its subject is the CRL's issuer name and its key verifies the signature */
export const crlSignedBy = (crl: ReadCrl, ca: X509Certificate): boolean => subjectNameDer(ca.raw).equals(crl.parsed.issuerDer)
  && verifySignature(crl.parsed.signatureAlgorithmDer, ca.publicKey, crl.parsed.tbsDer, crl.parsed.signature);

/**
 * Every CRL of a file: its `X509 CRL` PEM blocks, else the file as one DER CRL. Throws an Error
 * saying which block does not parse, or why the file is no CRL at all.
 */
export function crlsOf(bytes: Buffer): ReadCrl[] {
  const text = bytes.toString('latin1');
  if (text.includes('-----BEGIN X509 CRL-----')) {
    return pemBlocks(text, 'X509 CRL').map((der, i, all) => ({ der, parsed: parseOrSay(der, `${all.length > 1 ? `CRL ${i + 1} of ${all.length}` : 'the CRL'} does not parse`) }));
  }
  if (text.includes('-----BEGIN CERTIFICATE-----')) throw new Error('it holds a certificate, not a CRL (give it with cert:)');
  if (text.includes('-----BEGIN ')) throw new Error('it holds no -----BEGIN X509 CRL----- block');
  return [{ der: bytes, parsed: parseOrSay(bytes, 'it is neither a PEM CRL (-----BEGIN X509 CRL-----) nor a DER one') }];
}

function parseOrSay(der: Buffer, what: string): ParsedCrl {
  try {
    return parseCrl(der);
  } catch (err) {
    throw new Error(`${what} (${(err as Error).message})`);
  }
}
