/**
 * What a relying party reads from a certificate to check its revocation: the CRL distribution
 * points, the OCSP responders, must-staple, and which certificate of a pool issued it.
 */
import { X509Certificate as NodeX509 } from 'node:crypto';
import * as x509 from '../../ca/x509.js';

const TLS_FEATURE = '1.3.6.1.5.5.7.1.24';

export interface CertFacts {
  readonly der: Buffer;
  readonly node: NodeX509;
  readonly serialHex: string;
  readonly label: string;
  readonly crlUrls: string[];
  readonly ocspUrls: string[];
  readonly mustStaple: boolean;
  readonly selfIssued: boolean;
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

function parseFacts(der: Buffer): CertFacts {
  const node = new NodeX509(der);
  const cert = new x509.X509Certificate(der);
  const cdp = cert.getExtension(x509.CRLDistributionPointsExtension);
  const aia = cert.getExtension(x509.AuthorityInfoAccessExtension);
  const crlUrls = (cdp?.distributionPoints ?? []).flatMap((dp) =>
    (dp.distributionPoint?.fullName ?? []).map((n) => n.uniformResourceIdentifier).filter((u): u is string => !!u));
  return {
    der,
    node,
    serialHex: node.serialNumber.toLowerCase().replace(/^(?:00)+(?=.)/, ''),
    label: node.subject.split('\n').join(', '),
    crlUrls,
    ocspUrls: (aia?.ocsp ?? []).filter((n) => n.type === 'url').map((n) => n.value),
    mustStaple: cert.extensions.some((e) => e.type === TLS_FEATURE),
    selfIssued: node.checkIssued(node),
  };
}

/** the certificate in `pool` that issued `cert` (name and signature both match) */
export function issuerIn(cert: CertFacts, pool: readonly CertFacts[]): CertFacts | undefined {
  return pool.find((c) => c.der !== cert.der && cert.node.checkIssued(c.node) && cert.node.verify(c.node.publicKey))
    ?? (cert.selfIssued ? cert : undefined);
}
