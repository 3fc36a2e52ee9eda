/**
 * A relying party's OCSP check (RFC 6960 section 3.2), used for direct queries and for staples:
 * the response must be successful, signed by the issuer or by a delegate the issuer certified
 * for OCSP signing, about exactly this certificate, with our nonce when we sent one, and fresh
 * within the allowed clock skew. pkijs's own verify() ignores the freshness, so every rule is
 * checked here.
 */
import { randomBytes } from 'node:crypto';
import { subjectNameDer } from '../../../ca/asn1/certificate-name.js';
import { buildOcspRequest, certIdFor, parseOcspResponse, type ParsedBasicResponse, type SingleAnswer } from '../../../ca/revocation/ocsp.js';
import { verifySignature } from '../../../ca/asn1/signature-verify.js';
import { certFacts, type CertFacts } from './cert-facts.js';
import { fetchBounded } from './http-fetch.js';
import type { RevocationOutcome } from './outcome.js';

const OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';
const MAX_OCSP_BYTES = 64 * 1024;

export interface OcspContext {
  cert: CertFacts;
  issuer: CertFacts;
  nonce?: Buffer;
  clockSkewSec: number;
  now: Date;
}

export interface OcspQuery {
  url: string;
  timeoutMs: number;
  sendNonce: boolean;
  clockSkewSec: number;
  signal: AbortSignal;
  routes?: ReadonlyMap<string, string> | undefined;
}

/** asks the responder at `url` about `cert`; the answer is verified before it counts */
export async function queryOcsp(cert: CertFacts, issuer: CertFacts, q: OcspQuery): Promise<{ outcome: RevocationOutcome; ms: number }> {
  const nonce = q.sendNonce ? randomBytes(16) : undefined;
  const request = buildOcspRequest([certIdFor(cert.der, issuer.der)], nonce ? { nonce } : {});
  const res = await fetchBounded(q.url, {
    method: 'POST', body: request, contentType: 'application/ocsp-request', timeoutMs: q.timeoutMs, maxBytes: MAX_OCSP_BYTES, signal: q.signal, routes: q.routes,
  });
  if (!res.ok) return { outcome: { kind: 'unavailable', detail: `${q.url}: ${res.reason}` }, ms: res.ms };
  const outcome = verifyOcspResponse(res.body, { cert, issuer, ...(nonce ? { nonce } : {}), clockSkewSec: q.clockSkewSec, now: new Date() });
  return { outcome, ms: res.ms };
}

export function verifyOcspResponse(der: Buffer, ctx: OcspContext): RevocationOutcome {
  let basic: ParsedBasicResponse | undefined;
  try {
    const parsed = parseOcspResponse(der);
    if (parsed.status !== 'successful') return { kind: 'unavailable', detail: `the responder answered ${parsed.status}` };
    basic = parsed.basic;
  } catch (err) {
    return { kind: 'unavailable', detail: `not an OCSP response: ${(err as Error).message}` };
  }
  if (!basic) return { kind: 'invalid', detail: 'a successful response without a BasicOCSPResponse' };
  const signer = signerOf(basic, ctx.issuer);
  if ('problem' in signer) return { kind: 'invalid', detail: signer.problem };
  if (!verifySignature(basic.signatureAlgorithmDer, signer.cert.node.publicKey, basic.tbsDer, basic.signature)) {
    return { kind: 'invalid', detail: `the signature does not verify with the key of ${signer.cert.label}` };
  }
  const answer = answerFor(basic.answers, ctx);
  if (!answer) return { kind: 'invalid', detail: 'no answer for this certificate (certID mismatch)' };
  if (ctx.nonce && basic.nonce && !basic.nonce.equals(ctx.nonce)) return { kind: 'invalid', detail: 'the nonce differs from the one sent' };
  const stale = staleness(answer, ctx);
  if (stale) return { kind: 'stale', detail: stale };
  if (answer.status.kind === 'revoked') {
    return { kind: 'revoked', detail: `revoked at ${answer.status.time.toISOString()}${answer.status.reason ? ` (${answer.status.reason})` : ''}` };
  }
  if (answer.status.kind === 'unknown') return { kind: 'unknown', detail: 'the responder does not know this certificate' };
  return { kind: 'good' };
}

/** the issuer itself, or a certificate in the response the issuer issued for OCSP signing */
function signerOf(basic: ParsedBasicResponse, issuer: CertFacts): { cert: CertFacts } | { problem: string } {
  if (namesCert(basic, issuer)) return { cert: issuer };
  const candidates = basic.certs.map(certFacts).filter((c) => namesCert(basic, c));
  const delegate = candidates[0];
  if (!delegate) return { problem: 'signed by a responder that is neither the issuer nor a certificate in the response' };
  if (!delegate.node.checkIssued(issuer.node) || !delegate.node.verify(issuer.node.publicKey)) {
    return { problem: `the responder certificate ${delegate.label} is not issued by ${issuer.label}` };
  }
  if (!(delegate.node.keyUsage ?? []).includes(OCSP_SIGNING)) {
    return { problem: `the responder certificate ${delegate.label} lacks the OCSPSigning extended key usage` };
  }
  const now = Date.now();
  if (new Date(delegate.node.validTo).getTime() < now || new Date(delegate.node.validFrom).getTime() > now) {
    return { problem: `the responder certificate ${delegate.label} is outside its validity period` };
  }
  return { cert: delegate };
}

/** ResponderID byName (the subject Name) or byKey (SHA-1 of the public key bits) names this cert */
function namesCert(basic: ParsedBasicResponse, cert: CertFacts): boolean {
  if (basic.responderId.byKey) return basic.responderId.byKey.equals(certIdFor(cert.der, cert.der, 'sha1').issuerKeyHash);
  if (basic.responderId.byName) return basic.responderId.byName.equals(subjectNameDer(cert.der));
  return false;
}

function answerFor(answers: readonly SingleAnswer[], ctx: OcspContext): SingleAnswer | undefined {
  return answers.find((a) => {
    const expected = certIdFor(ctx.cert.der, ctx.issuer.der, a.id.hash);
    return a.id.serialHex === expected.serialHex && a.id.issuerNameHash.equals(expected.issuerNameHash) && a.id.issuerKeyHash.equals(expected.issuerKeyHash);
  });
}

function staleness(answer: SingleAnswer, ctx: OcspContext): string | undefined {
  const skew = ctx.clockSkewSec * 1000;
  const now = ctx.now.getTime();
  if (answer.thisUpdate.getTime() > now + skew) return `thisUpdate ${answer.thisUpdate.toISOString()} is in the future`;
  if (answer.nextUpdate && answer.nextUpdate.getTime() < now - skew) return `nextUpdate ${answer.nextUpdate.toISOString()} has passed`;
  return undefined;
}
