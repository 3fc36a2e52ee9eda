/**
 * What tlsgate can do as a team's CA: with a files CA's private key it signs CRLs and OCSP
 * answers for it (so its certificates can be revoked, given faults, served CRLs); with the CA's
 * own CRL file it serves that CRL. Every site that names a files id for such a use asks
 * `filesAuthorityProblem`, so each says the same why and the same what-to-add.
 */
import { quote } from '../quote.js';

/** what the files hold about one certificate of them */
export interface FilesCertFacts {
  /** the files certificate that issued it (name and signature), if one did */
  issuer: string | undefined;
  hasKey: boolean;
  /** a CA certificate (basicConstraints CA:true, and keyCertSign where it has a keyUsage): it can issue */
  isCa: boolean;
  /** a CRL under pki.files is signed by it */
  hasCrl: boolean;
}

/**
 * `about`: a certificate whose revocation tlsgate must state (revoke, a fault on its answers);
 * `ca`: a CA tlsgate must act as (its CRL, a fault on its servers, a responder);
 * `crl`: a CA whose CRL is needed (its own CRL file will do);
 * `issuer`: a CA that issues a generated certificate.
 */
export type FilesUse = 'about' | 'ca' | 'crl' | 'issuer';

const USES: Readonly<Record<FilesUse, string>> = {
  about: 'to revoke it or answer OCSP about it, tlsgate signs as its issuer',
  ca: 'to act as this CA (its CRLs, OCSP answers, faults), tlsgate signs with its key',
  crl: 'to serve this CA\'s CRL, tlsgate signs one with its key or serves the CA\'s own CRL file',
  issuer: 'to issue a certificate, tlsgate signs with this CA\'s key',
};

/** undefined when the files allow the use; else the one message and hint every site gives */
export function filesAuthorityProblem(id: string, use: FilesUse, facts: ReadonlyMap<string, FilesCertFacts>): { message: string; hint: string } | undefined {
  const cert = facts.get(id);
  if (!cert) return undefined;
  const entry = (certId: string) => certId.replace(/#\d+$/, '');
  if (use === 'about') {
    if (cert.issuer === undefined) {
      return { message: `${quote(id)} comes from pki.files and its issuer is not under pki.files: ${USES.about}`, hint: `add the issuing CA's certificate and key under pki.files` };
    }
    const issuer = facts.get(cert.issuer)!;
    if (issuer.hasKey) return undefined;
    return { message: `${quote(id)} comes from pki.files and tlsgate holds no private key of its issuer ${quote(cert.issuer)}: ${USES.about}`, hint: `add key: <path> under pki.files.${entry(cert.issuer)} (the CA's private key)` };
  }
  if (use === 'issuer' && !cert.isCa) {
    return { message: `${quote(id)} comes from pki.files and is not a CA certificate (basicConstraints CA:true, keyUsage keyCertSign): ${USES.issuer}`, hint: `name a CA certificate of pki.files (with its key) as issuer, or a generated CA of pki.certs` };
  }
  if (cert.hasKey || (use === 'crl' && cert.hasCrl)) return undefined;
  const orCrl = use === 'crl' ? `, or its CRL with crl: <path>` : '';
  return { message: `${quote(id)} comes from pki.files and tlsgate holds no private key of it: ${USES[use]}`, hint: `add key: <path> under pki.files.${entry(id)} (the CA's private key)${orCrl}` };
}
