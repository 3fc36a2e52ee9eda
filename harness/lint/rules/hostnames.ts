/**
 * Names Node's hostname check (tls.checkServerIdentity) would refuse, on server certificates
 * (not CAs; no EKU, or one with serverAuth). Verified on this stack with checkServerIdentity
 * itself (test/lint): a `*` outside the leftmost label is compared literally, so it matches no
 * host; more than one `*`, a `*` in a punycode label, or a wildcard over two labels or fewer
 * (`*.com`, `*.localhost`) never match; an IP host is matched only against IP SANs, never a DNS
 * SAN or the CN. A certificate with no DNS SAN is matched by Node through its CN (a fallback
 * browsers, Go and rustls dropped): a warning.
 */
import { isIP } from 'node:net';
import { EKU, type CertFacts } from '../cert-facts.js';
import { finding, type CertRule, type RuleFinding } from './rule.js';

const isServerCert = (c: CertFacts): boolean => !c.isCa && (!c.extKeyUsage || c.extKeyUsage.includes(EKU.serverAuth));

export const hostnameRule: CertRule = (cert) => {
  if (!isServerCert(cert)) return [];
  const dns = cert.san?.dns ?? [];
  const out: RuleFinding[] = dns.flatMap((name) => dnsNameFindings(cert, name));
  const cn = cert.commonName;
  if (dns.length === 0 && cn !== undefined) {
    if (isIP(cn) && !(cert.san?.ip ?? []).length) {
      out.push(finding(cert, 'name-ip-in-cn', 'error', `names ${cn} only in its CN: Node matches an IP address only against IP SANs, so connecting to ${cn} fails (ERR_TLS_CERT_ALTNAME_INVALID)`, `reissue it with subjectAltName IP:${cn}`));
    } else if ((!isIP(cn) && cn.includes('.')) || cn === 'localhost') {
      out.push(finding(cert, 'name-cn-fallback', 'warning', `no DNS SAN: Node matches '${cn}' only through its CN fallback; browsers, Go, rustls and Java refuse it`, `reissue it with subjectAltName DNS:${cn}`));
    }
  }
  return out;
};

function dnsNameFindings(cert: CertFacts, name: string): RuleFinding[] {
  if (isIP(name)) {
    return [finding(cert, 'name-ip-in-dns-san', 'error', `DNS SAN '${name}' is an IP address: Node matches an IP host only against IP SANs, so connecting to ${name} fails`, `reissue it with subjectAltName IP:${name} instead of DNS:${name}`)];
  }
  const why = wildcardProblem(name);
  return why ? [finding(cert, 'name-wildcard', 'error', `DNS SAN '${name}' ${why}, so Node's hostname check matches no host with it`, 'use a wildcard only as the whole or part of the leftmost label, over at least three labels (*.example.com), or list the names')] : [];
}

function wildcardProblem(name: string): string | undefined {
  if (!name.includes('*')) return undefined;
  const labels = name.split('.');
  if (labels.slice(1).some((l) => l.includes('*'))) return 'has a wildcard outside the leftmost label';
  const first = labels[0]!;
  if (first.split('*').length > 2) return 'has more than one wildcard';
  if (first.includes('xn--')) return 'has a wildcard in a punycode (xn--) label';
  if (labels.length <= 2) return 'is a wildcard over two labels or fewer';
  return undefined;
}
