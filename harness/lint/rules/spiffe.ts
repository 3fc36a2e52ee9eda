/**
 * SPIFFE X.509-SVID rules (spiffe/spiffe standards/X509-SVID.md): a certificate is judged as an
 * SVID when it carries a spiffe URI SAN or its workload class says `svid: true`.
 *   - exactly one URI SAN (2, 5.2: "SVIDs containing more than one URI SAN MUST be rejected");
 *   - the SPIFFE ID's syntax, a leaf's non-root path (SPIFFE-ID.md 2, X509-SVID.md 5.2);
 *   - a leaf (one that issues no certificate linted with it) has cA false (4.1) and a critical
 *     key usage with digitalSignature and without keyCertSign/cRLSign (4.3);
 *   - a leaf SHOULD carry an EKU and, when it does, with serverAuth and clientAuth (4.4): a
 *     warning, because the validators in use (go-spiffe, SPIRE, tlsgate's own) do not check it.
 */
import { EKU, KEY_USAGE, type CertFacts } from '../cert-facts.js';
import { classOf } from '../policy.js';
import { spiffeIdProblem, spiffeUris } from '../spiffe-id.js';
import { finding, issuesAny, type CertRule, type RuleFinding } from './rule.js';

export const spiffeRule: CertRule = (cert, ctx) => {
  const uris = cert.san?.uri ?? [];
  const required = classOf(cert, ctx.settings)?.svid === true;
  if (spiffeUris(cert).length === 0 && !required) return [];
  const leaf = !issuesAny(cert, ctx);
  const out: RuleFinding[] = [];
  if (uris.length !== 1) {
    out.push(finding(cert, 'svid-uri-san', 'error',
      `an SVID must hold exactly one URI SAN, this one holds ${uris.length}${uris.length ? `: ${uris.join(', ')}` : ''}; validators refuse it`,
      'issue one SVID per SPIFFE ID, with that ID as its only URI SAN'));
  }
  for (const uri of uris) {
    const problem = spiffeIdProblem(uri, leaf);
    if (problem) out.push(finding(cert, 'svid-id', 'error', `SPIFFE ID '${uri}' ${problem}`, 'issue it with a SPIFFE ID of the form spiffe://trust-domain/path (lowercase scheme and trust domain)'));
  }
  if (leaf) out.push(...leafFindings(cert));
  return out;
};

function leafFindings(cert: CertFacts): RuleFinding[] {
  const out: RuleFinding[] = [];
  if (cert.isCa) {
    out.push(finding(cert, 'svid-leaf-ca', 'error', 'a leaf SVID with basicConstraints cA true: validators refuse a CA certificate as a workload identity', 'reissue the workload SVID with cA false (CA:FALSE)'));
  }
  const ku = cert.keyUsage;
  const problems = [
    ...(!ku ? ['no key usage extension'] : []),
    ...(ku && !ku.critical ? ['key usage not critical'] : []),
    ...(ku && !(ku.flags & KEY_USAGE.digitalSignature) ? ['no digitalSignature'] : []),
    ...(ku && ku.flags & (KEY_USAGE.keyCertSign | KEY_USAGE.cRLSign) ? ['keyCertSign or cRLSign set'] : []),
  ];
  if (problems.length) {
    out.push(finding(cert, 'svid-key-usage', 'error', `leaf SVID key usage: ${problems.join(', ')}`, 'issue it with keyUsage = critical, digitalSignature (keyEncipherment/keyAgreement allowed)'));
  }
  const eku = cert.extKeyUsage;
  const missing = eku ? [EKU.serverAuth, EKU.clientAuth].filter((u) => !eku.includes(u)) : [];
  if (!eku || missing.length) {
    out.push(finding(cert, 'svid-eku', 'warning',
      eku ? `leaf SVID extended key usage lacks ${missing.map((m) => (m === EKU.serverAuth ? 'serverAuth' : 'clientAuth')).join(' and ')}, which the spec requires when the extension is present` : 'leaf SVID without an extended key usage (the spec says it SHOULD have one)',
      'issue it with extendedKeyUsage = serverAuth, clientAuth'));
  }
  return out;
}

