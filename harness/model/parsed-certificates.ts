/**
 * Certificates parsed once per process: by content, so every scenario of a file (and every file
 * that copies the same PEM) shares one X509Certificate, and a file edited between two runs in
 * one process is parsed again. Bounded: a run that streams through more distinct certificates
 * than this keeps only the most recent.
 */
import { X509Certificate } from 'node:crypto';

const MAX_ENTRIES = 4096;
const byContent = new Map<string, X509Certificate>();

/** per certificate, per issuer tried: whether its signature verified (the parsed certificates are shared, so this is by content too) */
const verified = new WeakMap<X509Certificate, WeakMap<X509Certificate, boolean>>();

/**
 * the signature of `cert` verifies with the key of `issuer` (false for a key or algorithm Node
 * cannot use); once per pair: files copied into many folders repeat the same chain
 */
export function signedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  let byIssuer = verified.get(cert);
  if (!byIssuer) verified.set(cert, (byIssuer = new WeakMap()));
  let ok = byIssuer.get(issuer);
  if (ok === undefined) {
    try {
      ok = cert.verify(issuer.publicKey);
    } catch {
      ok = false;
    }
    byIssuer.set(issuer, ok);
  }
  return ok;
}

/** the certificate in this PEM text or DER (throws as X509Certificate does) */
export function parsedCertificate(pemOrDer: string | Buffer): X509Certificate {
  const key = typeof pemOrDer === 'string' ? pemOrDer : `der:${pemOrDer.toString('base64')}`;
  let cert = byContent.get(key);
  if (cert) return cert;
  cert = new X509Certificate(pemOrDer);
  if (byContent.size >= MAX_ENTRIES) byContent.delete(byContent.keys().next().value!);
  byContent.set(key, cert);
  return cert;
}
