/**
 * PeerInfo: who the other end said it was. Built from DER only, so every driver (whatever
 * library gave it the certificates) describes a peer the same way.
 */
import { createHash } from 'node:crypto';
import type { PeerCertificate, DetailedPeerCertificate } from 'node:tls';
import type { PeerInfo } from '../../model/domain.js';
import { parsedCertificate } from '../../model/parsed-certificates.js';

/** lowercase hex SHA-256 of the DER, the same form as IssuedCert.fingerprint256 */
export const fingerprint256 = (der: Buffer): string => createHash('sha256').update(der).digest('hex');

/** PeerInfo of a chain given leaf first; undefined when the peer sent nothing */
export function peerInfoFromChain(chainDer: readonly Buffer[]): PeerInfo | undefined {
  const leafDer = chainDer[0];
  if (!leafDer) return undefined;
  // a file's scenarios meet the same leaf again and again: parsed once per process
  const leaf = parsedCertificate(leafDer);
  const san = splitSubjectAltName(leaf.subjectAltName);
  const spiffeId = spiffeIdOf(san);
  return {
    subject: formatSubject(leaf.subject),
    san,
    ...(spiffeId !== undefined ? { spiffeId } : {}),
    chainFingerprints: chainDer.map(fingerprint256),
  };
}

/**
 * The DER chain behind `getPeerCertificate(true)`, leaf first: follows issuerCertificate until
 * it points at itself (Node links a self-signed root to itself) or repeats.
 */
export function chainFromPeerCertificate(cert: PeerCertificate | DetailedPeerCertificate | null | undefined): Buffer[] {
  const chain: Buffer[] = [];
  const seen = new Set<string>();
  let current = cert as DetailedPeerCertificate | undefined;
  while (current && current.raw && current.raw.length > 0) {
    const key = current.raw.toString('base64');
    if (seen.has(key)) break;
    seen.add(key);
    chain.push(Buffer.from(current.raw));
    current = current.issuerCertificate;
  }
  return chain;
}

/**
 * Node prints one RDN per line; reports and expectations use `CN=a, O=b` (certificate order).
 * An empty name (a SAN-only leaf, legal under RFC 5280) is undefined in Node: ''.
 */
export const formatSubject = (subject: string | undefined): string => (subject ?? '').split('\n').filter(Boolean).join(', ');

/**
 * Node prints SANs as `DNS:a, IP Address:1.2.3.4, URI:spiffe://x`, and JSON-quotes a value that
 * holds a comma or a quote (`DNS:"a, b"`) so the list cannot be forged. Split outside quotes and
 * unquote, keeping Node's type labels.
 */
export function splitSubjectAltName(text: string | undefined): string[] {
  if (!text) return [];
  const entries: string[] = [];
  let current = '';
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && inQuotes) {
      current += ch + (text[i + 1] ?? '');
      i++;
    } else if (ch === '"') {
      inQuotes = !inQuotes;
      current += ch;
    } else if (ch === ',' && !inQuotes) {
      entries.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  if (current.trim()) entries.push(current.trim());
  return entries.map(unquoteEntry);
}

function unquoteEntry(entry: string): string {
  const colon = entry.indexOf(':');
  const value = entry.slice(colon + 1);
  if (colon < 0 || !value.startsWith('"')) return entry;
  try {
    return `${entry.slice(0, colon)}:${JSON.parse(value) as string}`;
  } catch {
    return entry;
  }
}

/** An X.509-SVID carries exactly one URI SAN, with scheme spiffe; anything else has no SPIFFE ID. */
export function spiffeIdOf(san: readonly string[]): string | undefined {
  const uris = san.filter((s) => s.startsWith('URI:')).map((s) => s.slice('URI:'.length));
  if (uris.length !== 1) return undefined;
  return /^spiffe:\/\//i.test(uris[0]!) ? uris[0] : undefined;
}
