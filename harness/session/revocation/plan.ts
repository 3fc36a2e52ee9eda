/**
 * Client-side revocation, as a scenario's `client.revocation` asks for it. Node checks nothing by
 * default, so each mode says who decides:
 *   crl            tlsgate fetches every CA's CRL from the distribution points and hands them to
 *                  the handshake (`crl`): OpenSSL decides (whole-chain rule included). Under
 *                  soft-fail, when a CA's CRL cannot be had, OpenSSL would refuse; so tlsgate
 *                  connects without `crl` and checks the CRLs it has itself, with a warning.
 *   ocsp           after the handshake, before any application byte: ask the responder in each
 *                  certificate's AIA and verify the answer (ocsp-check.ts).
 *   ocsp-stapled   `requestOCSP`; the leaf's staple is verified the same way (Node does not);
 *                  a must-staple certificate without a staple is refused under every policy.
 *   ocsp-then-crl  OCSP per certificate; where OCSP gives no answer, the certificate's CRL.
 * Certificates that name no responder (or no CRL) are not checked by OCSP modes: that is what
 * clients do with them; the observation says so in a warning.
 */
import { buildOcspRequest, certIdFor } from '../../../ca/revocation/ocsp.js';
import type { HandshakeFacts, PeerDecision } from '../../drivers/portable/types.js';
import { combineFindings, NOTHING_FOUND, type RevocationDecision, type RevocationFindings, type RevocationPlan } from './findings.js';
import type { ClientRevocation, RevocationCheck } from '../../model/domain.js';
import { certFacts, issuerIn, type CertFacts } from './cert-facts.js';
import { crlStatus, fetchCrls } from './crl-check.js';
import { fetchBounded } from './http-fetch.js';
import { queryOcsp, verifyOcspResponse } from './ocsp-check.js';
import { applyPolicy, checkRecord, type RevocationOutcome, type Source } from './outcome.js';

export const DEFAULT_REVOCATION_TIMEOUT_MS = 300;
export const DEFAULT_CLOCK_SKEW_SEC = 300;

export interface RevocationInputs {
  config: ClientRevocation;
  /** the chain the server is configured to send, leaf first (CRLs must be known before connecting) */
  serverChainDer: Buffer[];
  /** the client's trust anchors */
  anchorsDer: Buffer[];
  /** URL in a certificate -> where this run serves it (a team's certificates) */
  routes?: ReadonlyMap<string, string>;
}

interface Settings {
  routes: ReadonlyMap<string, string> | undefined;
  timeoutMs: number;
  clockSkewSec: number;
  sendNonce: boolean;
  policy: ClientRevocation['failure'];
}

const settingsOf = (c: ClientRevocation, routes: ReadonlyMap<string, string> | undefined): Settings => ({
  routes,
  timeoutMs: c.timeoutMs ?? DEFAULT_REVOCATION_TIMEOUT_MS,
  clockSkewSec: c.clockSkewSec ?? DEFAULT_CLOCK_SKEW_SEC,
  sendNonce: c.nonce ?? true,
  policy: c.failure,
});

export async function planClientRevocation(inputs: RevocationInputs, signal: AbortSignal): Promise<RevocationPlan> {
  const s = settingsOf(inputs.config, inputs.routes);
  const anchors = inputs.anchorsDer.map(certFacts);
  switch (inputs.config.mode) {
    case 'none':
      return { found: NOTHING_FOUND };
    case 'crl':
      return planCrl(inputs.serverChainDer.map(certFacts), anchors, s, signal);
    case 'ocsp':
      return { found: NOTHING_FOUND, afterHandshake: (facts) => checkChain(facts, anchors, s, signal, false) };
    case 'ocsp-then-crl':
      return { found: NOTHING_FOUND, afterHandshake: (facts) => checkChain(facts, anchors, s, signal, true) };
    case 'ocsp-stapled':
      return { found: NOTHING_FOUND, requestOCSP: true, afterHandshake: (facts) => checkStaple(facts, anchors, s) };
  }
}

/** the certificates to check, leaf first, up to and including a self-issued anchor */
function pathOf(chain: readonly CertFacts[], anchors: readonly CertFacts[]): { path: CertFacts[]; pool: CertFacts[] } {
  const pool = [...chain, ...anchors];
  const path: CertFacts[] = [];
  let current: CertFacts | undefined = chain[0];
  while (current && !path.includes(current)) {
    path.push(current);
    if (current.selfIssued) break;
    current = issuerIn(current, pool);
  }
  return { path, pool };
}

async function planCrl(chain: CertFacts[], anchors: CertFacts[], s: Settings, signal: AbortSignal): Promise<RevocationPlan> {
  const { path, pool } = pathOf(chain, anchors);
  const crls = await fetchCrls(path, pool, { timeoutMs: s.timeoutMs, clockSkewSec: s.clockSkewSec, signal, routes: s.routes });
  // tlsgate's own reading of every certificate: recorded per certificate (serial, result, the
  // CRL's URL and fetch time), and what decides when OpenSSL cannot be asked (below)
  const statuses: CertResult[] = path.map((cert) => {
    const status = crlStatus(cert, issuerIn(cert, pool), crls);
    const url = status.url ?? cert.crlUrls[0];
    return { cert, ...status, ...(url !== undefined ? { url } : {}), source: 'crl', ms: crls.find((c) => c.url === url)?.ms ?? 0 };
  });
  const checks = statuses.filter((r) => !r.cert.selfIssued).map((r) => checkRecord(r.cert.label, r.cert.serialHex, 'crl', r.url, r.outcome, r.ms));
  const uncovered = statuses.filter((r) => r.outcome.kind !== 'good' && r.outcome.kind !== 'revoked').map((r) => r.cert);
  const parsed = crls.flatMap((c) => (c.crl ? [c.crl.pem] : []));
  // Node turns CRL checking on only when it is given a CRL: with none, OpenSSL checks nothing and
  // a hard-fail client accepted anything. So with no CRL at all, tlsgate judges (below), as for
  // soft-fail: under hard-fail the missing CRLs refuse the connection.
  // A CRL that could not be fetched (hang, endless body, HTTP error, not a CRL) under hard-fail is
  // tlsgate's refusal, whatever else arrived: otherwise the code would depend on whether the
  // other CAs' CRLs beat the deadline (all of them missing: tlsgate's code; some: OpenSSL's).
  const fetchFailed = crls.some((c) => c.crl === undefined && c.verdict.kind === 'unavailable');
  if (parsed.length > 0 && (uncovered.length === 0 || (s.policy === 'hard' && !fetchFailed))) {
    // OpenSSL decides: every CRL that parses goes in, stale or badly signed ones included
    return { found: { checks, warnings: [] }, crlPem: parsed };
  }
  const warnings = s.policy === 'soft'
    ? [`soft-fail: no usable CRL for ${uncovered.map((c) => c.label).join('; ')}; connecting without OpenSSL CRL checking, tlsgate checks the CRLs it has`]
    : [];
  return { found: { checks, warnings }, afterHandshake: async () => firstRefusal(statuses, s, false) };
}

interface CertResult {
  cert: CertFacts;
  outcome: RevocationOutcome;
  source: Source;
  url?: string;
  ms: number;
}

/** what one certificate's check found beyond its results (an OCSP failure a CRL replaced, a warning) */
interface CertCheck extends RevocationFindings {
  results: CertResult[];
}

/** records every result (unless recorded already), then applies the policy leaf first: the first refusal decides */
function firstRefusal(results: readonly CertResult[], s: Settings, record = true): RevocationDecision {
  let decision: PeerDecision = { allow: true };
  const checks: RevocationCheck[] = [];
  const warnings: string[] = [];
  for (const r of results) {
    if (record) checks.push(checkRecord(r.cert.label, r.cert.serialHex, r.source, r.url, r.outcome, r.ms));
    const judged = applyPolicy(r.outcome, r.source, r.cert.label, s.policy);
    if (judged.warning) warnings.push(judged.warning);
    if (decision.allow && !judged.decision.allow) decision = judged.decision;
  }
  return { decision, checks, warnings };
}

/**
 * A resumed session skips certificate exchange, and Node then hands the client no peer
 * certificate at all: an application-level check has nothing to look at. That is "no
 * revocation information", judged by the policy like any other.
 */
function nothingToCheck(facts: HandshakeFacts, source: Source, s: Settings): RevocationDecision | undefined {
  if (facts.peerChainDer.length > 0) return undefined;
  const why = facts.sessionReused
    ? 'the session was resumed and Node exposes no peer certificate (getPeerCertificate() is empty), so there is nothing to check'
    : 'the handshake delivered no peer certificate';
  const judged = applyPolicy({ kind: 'unavailable', detail: why }, source, 'the server', s.policy);
  const decision = judged.decision.allow ? judged.decision : { ...judged.decision, code: facts.sessionReused ? 'TLSGATE_REVOCATION_UNAVAILABLE_RESUMED' : judged.decision.code };
  return { decision, checks: [], warnings: judged.warning ? [judged.warning] : [] };
}

async function checkChain(facts: HandshakeFacts, anchors: CertFacts[], s: Settings, signal: AbortSignal, crlFallback: boolean): Promise<RevocationDecision> {
  const empty = nothingToCheck(facts, 'ocsp', s);
  if (empty) return empty;
  const { path, pool } = pathOf(facts.peerChainDer.map(certFacts), anchors);
  const toCheck = path.filter((c) => !c.selfIssued);
  const perCert = await Promise.all(toCheck.map((cert) => checkOne(cert, issuerIn(cert, pool), pool, s, signal, crlFallback)));
  const judged = firstRefusal(perCert.flatMap((c) => c.results), s);
  return { decision: judged.decision, ...combineFindings(...perCert, judged) };
}

const checked = (results: CertResult[], warnings: string[] = [], checks: RevocationCheck[] = []): CertCheck => ({ results, checks, warnings });

async function checkOne(
  cert: CertFacts, issuer: CertFacts | undefined, pool: CertFacts[], s: Settings, signal: AbortSignal, crlFallback: boolean,
): Promise<CertCheck> {
  const url = cert.ocspUrls[0];
  if (!issuer) return checked([{ cert, source: 'ocsp', ms: 0, outcome: { kind: 'unavailable', detail: 'its issuer is not in the chain' } }]);
  const ocsp: CertResult | undefined = url === undefined ? undefined : {
    cert, source: 'ocsp', url, ...(await queryOcsp(cert, issuer, { url, timeoutMs: s.timeoutMs, sendNonce: s.sendNonce, clockSkewSec: s.clockSkewSec, signal, routes: s.routes })),
  };
  const answered = ocsp && ocsp.outcome.kind !== 'unavailable';
  if (answered || !crlFallback) {
    return ocsp ? checked([ocsp]) : checked([], [`not checked: ${cert.label} names no OCSP responder`]);
  }
  if (cert.crlUrls.length === 0) {
    return ocsp ? checked([ocsp]) : checked([], [`not checked: ${cert.label} names neither an OCSP responder nor a CRL`]);
  }
  const crls = await fetchCrls([cert], pool, { timeoutMs: s.timeoutMs, clockSkewSec: s.clockSkewSec, signal, routes: s.routes });
  const fromCrl = crlStatus(cert, issuer, crls);
  const fallback: CertResult = { cert, source: 'crl', outcome: fromCrl.outcome, ms: crls.reduce((m, c) => Math.max(m, c.ms), 0), ...(fromCrl.url ? { url: fromCrl.url } : {}) };
  // the OCSP failure is recorded, but the CRL's answer is the one the policy judges
  return checked([fallback], [], ocsp ? [checkRecord(cert.label, cert.serialHex, 'ocsp', url, ocsp.outcome, ocsp.ms)] : []);
}

async function checkStaple(facts: HandshakeFacts, anchors: CertFacts[], s: Settings): Promise<RevocationDecision> {
  const empty = nothingToCheck(facts, 'staple', s);
  if (empty) return empty;
  const { path, pool } = pathOf(facts.peerChainDer.map(certFacts), anchors);
  const leaf = path[0]!;
  if (!facts.staple) {
    const outcome: RevocationOutcome = { kind: 'unavailable', detail: 'the server stapled no OCSP response' };
    const missing = checkRecord(leaf.label, leaf.serialHex, 'staple', undefined, outcome, 0);
    if (leaf.mustStaple) {
      const decision: PeerDecision = { allow: false, code: 'TLSGATE_MUST_STAPLE_MISSING', message: `${leaf.label} is must-staple (TLS feature status_request) but the server stapled no OCSP response` };
      return { decision, checks: [missing], warnings: [] };
    }
    const judged = firstRefusal([{ cert: leaf, source: 'staple', outcome, ms: 0 }], s, false);
    return { ...judged, checks: [missing, ...judged.checks] };
  }
  const issuer = issuerIn(leaf, pool);
  const outcome: RevocationOutcome = issuer
    ? verifyOcspResponse(facts.staple, { cert: leaf, issuer, clockSkewSec: s.clockSkewSec, now: new Date() })
    : { kind: 'invalid', detail: 'the issuer of the leaf is not in the chain' };
  return firstRefusal([{ cert: leaf, source: 'staple', outcome, ms: 0 }], s);
}

/**
 * Server side of stapling: what a server fetches from the responder named in its certificate,
 * to staple. A failure means no staple, as on a real server.
 */
export async function fetchStaple(certDer: Buffer, issuerDer: Buffer | null, opts: { timeoutMs: number; routes?: ReadonlyMap<string, string> }): Promise<Buffer | null> {
  if (!issuerDer) return null;
  const url = certFacts(certDer).ocspUrls[0];
  if (url === undefined) return null;
  const res = await fetchBounded(url, {
    method: 'POST',
    body: buildOcspRequest([certIdFor(certDer, issuerDer)]),
    contentType: 'application/ocsp-request',
    timeoutMs: opts.timeoutMs,
    routes: opts.routes,
    maxBytes: 64 * 1024,
    signal: new AbortController().signal,
  });
  return res.ok ? res.body : null;
}
