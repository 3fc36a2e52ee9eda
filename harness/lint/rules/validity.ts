/**
 * Time: expired, not yet valid, expiring within the horizon (`--expires-within`; not for
 * short-lived certificates, which expire soon by design and are renewed by automation), and a
 * lifetime longer than the workload class allows (`maxTtl`).
 */
import { lifetimeMs } from '../cert-facts.js';
import { classOf } from '../policy.js';
import { finding, type CertRule } from './rule.js';

const day = (d: Date): string => d.toISOString().replace('.000Z', 'Z');

export const validityRule: CertRule = (cert, { settings }) => {
  const now = settings.now.getTime();
  const out = [];
  if (cert.notAfter.getTime() < now) {
    out.push(finding(cert, 'expired', 'error', `expired at ${day(cert.notAfter)}`, 'reissue it and deploy the new certificate; remove this one from the bundle'));
  } else if (cert.notAfter.getTime() - now <= settings.expiresWithinMs && lifetimeMs(cert) > settings.shortLivedMs) {
    const days = Math.floor((cert.notAfter.getTime() - now) / 86_400_000);
    out.push(finding(cert, 'expires-soon', 'warning', `expires at ${day(cert.notAfter)}, within ${settings.expiresWithin} (${days} days left)`, 'renew it before then (and automate renewal)'));
  }
  if (cert.notBefore.getTime() > now) {
    out.push(finding(cert, 'not-yet-valid', 'error', `not valid before ${day(cert.notBefore)}`, 'check the issuing CA\'s clock; clients refuse it until then (CERT_NOT_YET_VALID)'));
  }
  const cls = classOf(cert, settings);
  if (cls?.maxTtlMs !== undefined && lifetimeMs(cert) > cls.maxTtlMs) {
    const hours = (lifetimeMs(cert) / 3_600_000).toFixed(1);
    out.push(finding(cert, 'lifetime-over-policy', 'error', `lives ${hours} h (${day(cert.notBefore)} to ${day(cert.notAfter)}), longer than class '${cls.name}' allows (maxTtl ${cls.maxTtl})`, `reissue it with a validity of at most ${cls.maxTtl}`));
  }
  return out;
};
