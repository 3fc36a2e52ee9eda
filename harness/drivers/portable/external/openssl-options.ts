/**
 * The plan's negotiation options as OpenSSL's command-line tools take them, for s_client and
 * s_server alike. Only what the scenario sets: otherwise each tool keeps its own defaults, which
 * is what an interop scenario tests (a reproduction, harness/reproduce/, states Node's instead).
 */
import type { TlsOptionsPlan } from '../types.js';

/** Node's one cipher string holds both kinds; the CLIs (OpenSSL's, curl's) take the TLS 1.3 suites (`TLS_*`) apart */
export function splitCiphers(ciphers: string | undefined): { list: string[]; suites: string[] } {
  const parts = ciphers?.split(':').filter(Boolean) ?? [];
  return { list: parts.filter((p) => !p.startsWith('TLS_')), suites: parts.filter((p) => p.startsWith('TLS_')) };
}

/** versions, ciphers, groups and ALPN as `-min_protocol` ... `-alpn` */
export function opensslNegotiationArgs(plan: TlsOptionsPlan): string[] {
  const { list, suites } = splitCiphers(plan.ciphers);
  return [
    ...(plan.minVersion ? ['-min_protocol', plan.minVersion] : []),
    ...(plan.maxVersion ? ['-max_protocol', plan.maxVersion] : []),
    ...(list.length ? ['-cipher', list.join(':')] : []),
    ...(suites.length ? ['-ciphersuites', suites.join(':')] : []),
    ...(plan.ecdhCurve ? ['-groups', plan.ecdhCurve] : []),
    ...(plan.alpn?.length ? ['-alpn', plan.alpn.join(',')] : []),
  ];
}
