/**
 * CRLs as a relying party fetches them: from every CRL distribution point of a chain, each one
 * parsed, matched to the CA that signed it and checked for freshness. Used two ways: handed to
 * OpenSSL (Node's `crl` option) so that OpenSSL decides, and by tlsgate itself where OpenSSL's
 * whole-chain rule cannot express the policy (soft-fail, OCSP fallback).
 */
import { subjectNameDer } from '../../../ca/asn1/certificate-name.js';
import { crlPem, parseCrl, type ParsedCrl } from '../../../ca/revocation/crl.js';
import { verifySignature } from '../../../ca/asn1/signature-verify.js';
import type { CertFacts } from './cert-facts.js';
import { fetchBounded } from './http-fetch.js';
import type { RevocationOutcome } from './outcome.js';

/** real CRLs can be large; a 10 MB one is refused rather than parsed inside a short timeout */
const MAX_CRL_BYTES = 4 * 1024 * 1024;

export interface FetchedCrl {
  url: string;
  ms: number;
  /** set when the bytes parse as a CRL */
  crl?: { der: Buffer; parsed: ParsedCrl; pem: string };
  /** the CA whose key signed it, when one in the pool did */
  issuer?: CertFacts;
  /** usable (good), or why not */
  verdict: RevocationOutcome;
}

export interface CrlFetchOptions {
  timeoutMs: number;
  clockSkewSec: number;
  signal: AbortSignal;
  routes?: ReadonlyMap<string, string> | undefined;
}

/** every distinct CRL URL of the chain, fetched concurrently */
export async function fetchCrls(chain: readonly CertFacts[], pool: readonly CertFacts[], opts: CrlFetchOptions): Promise<FetchedCrl[]> {
  const urls = [...new Set(chain.flatMap((c) => c.crlUrls))];
  return Promise.all(urls.map((url) => fetchCrl(url, pool, opts)));
}

async function fetchCrl(url: string, pool: readonly CertFacts[], opts: CrlFetchOptions): Promise<FetchedCrl> {
  const res = await fetchBounded(url, { timeoutMs: opts.timeoutMs, maxBytes: MAX_CRL_BYTES, signal: opts.signal, routes: opts.routes });
  if (!res.ok) return { url, ms: res.ms, verdict: { kind: 'unavailable', detail: `${url}: ${res.reason}` } };
  let parsed: ParsedCrl;
  try {
    parsed = parseCrl(res.body);
  } catch (err) {
    return { url, ms: res.ms, verdict: { kind: 'unavailable', detail: `${url}: not a CRL (${(err as Error).message})` } };
  }
  const crl = { der: res.body, parsed, pem: crlPem(res.body) };
  const issuer = pool.find((c) => subjectNameDer(c.der).equals(parsed.issuerDer) && verifySignature(parsed.signatureAlgorithmDer, c.node.publicKey, parsed.tbsDer, parsed.signature));
  if (!issuer) return { url, ms: res.ms, crl, verdict: { kind: 'invalid', detail: `${url}: no CA of the chain signed this CRL` } };
  return { url, ms: res.ms, crl, issuer, verdict: freshness(parsed, opts.clockSkewSec) };
}

function freshness(crl: ParsedCrl, clockSkewSec: number): RevocationOutcome {
  const now = Date.now();
  const skew = clockSkewSec * 1000;
  if (crl.thisUpdate.getTime() > now + skew) return { kind: 'stale', detail: `CRL thisUpdate ${crl.thisUpdate.toISOString()} is in the future` };
  if (crl.nextUpdate && crl.nextUpdate.getTime() < now - skew) return { kind: 'stale', detail: `CRL nextUpdate ${crl.nextUpdate.toISOString()} has passed` };
  return { kind: 'good' };
}

/** tlsgate's own reading: is `cert` on a usable CRL of its issuer? */
export function crlStatus(cert: CertFacts, issuer: CertFacts | undefined, crls: readonly FetchedCrl[]): { outcome: RevocationOutcome; url?: string } {
  const mine = crls.filter((c) => c.issuer !== undefined && c.issuer === issuer);
  const usable = mine.find((c) => c.verdict.kind === 'good');
  if (!usable) {
    const why = mine[0]?.verdict ?? crls.find((c) => cert.crlUrls.includes(c.url))?.verdict;
    return { outcome: why && why.kind !== 'good' ? why : { kind: 'unavailable', detail: `no CRL of ${issuer?.label ?? 'its issuer'} could be loaded` } };
  }
  const entry = usable.crl!.parsed.entries.find((e) => e.serialHex === cert.serialHex);
  if (entry && entry.reason !== 'removeFromCRL') {
    return { outcome: { kind: 'revoked', detail: `listed on ${usable.url} since ${entry.revokedAt.toISOString()}${entry.reason ? ` (${entry.reason})` : ''}` }, url: usable.url };
  }
  return { outcome: { kind: 'good' }, url: usable.url };
}
