/**
 * Revocation pointers: a long-lived certificate (lifetime over `shortLived`, default 10 days,
 * the CA/Browser Forum's short-lived limit) with neither a CRL distribution point nor an OCSP
 * responder cannot be revoked in any way a client can see; a must-staple certificate (TLS
 * feature status_request) without an OCSP responder can never get the staple it promises, so
 * clients that honour must-staple refuse it. Self-signed roots are revoked by removing them.
 */
import { lifetimeMs } from '../cert-facts.js';
import { finding, type CertRule, type RuleFinding } from './rule.js';

export const revocationPointersRule: CertRule = (cert, { settings }) => {
  const out: RuleFinding[] = [];
  if (cert.selfIssued) return out;
  if (cert.mustStaple && cert.ocspUrls.length === 0) {
    out.push(finding(cert, 'must-staple-without-responder', 'error',
      'must-staple (TLS feature status_request) but no OCSP responder in its AIA: no server can staple a response, and clients that honour must-staple refuse it',
      'reissue it with an AIA OCSP URL, or without the must-staple extension'));
  }
  if (lifetimeMs(cert) > settings.shortLivedMs && cert.crlUrls.length === 0 && cert.ocspUrls.length === 0) {
    out.push(finding(cert, 'missing-revocation-info', 'warning',
      `lives longer than ${settings.shortLived} but names neither a CRL distribution point nor an OCSP responder: once issued it cannot be revoked in a way clients see`,
      `reissue it with a CRL distribution point or AIA OCSP URL, or make it short-lived (at most ${settings.shortLived})`));
  }
  return out;
};
