/**
 * What a Node TLS end does when a scenario leaves an option unset, spelled as openssl CLI flags.
 * The openssl CLI has its own defaults (this distribution's is built with security level 2, Node's
 * bundled OpenSSL uses 1; Node's cipher list is not OpenSSL's DEFAULT), so a reproduction states
 * Node's explicitly instead of inheriting the CLI's.
 */
import { DEFAULT_CIPHERS, DEFAULT_MAX_VERSION, DEFAULT_MIN_VERSION } from 'node:tls';
import type { TlsVersion } from '../model/domain.js';

/** the security level of Node's bundled OpenSSL (RSA-1024 and SHA-1 CA signatures load at 1) */
export const NODE_SECURITY_LEVEL = 1;

/** `-min_protocol`/`-max_protocol`: Node offers TLS 1.2 to 1.3 unless told otherwise */
export function versionArgs(min: TlsVersion | undefined, max: TlsVersion | undefined): string[] {
  return ['-min_protocol', min ?? DEFAULT_MIN_VERSION, '-max_protocol', max ?? DEFAULT_MAX_VERSION];
}

/**
 * Node's `ciphers` holds both lists: `TLS_*` names are TLS 1.3 suites (`-ciphersuites`; when none
 * is named Node keeps its default suites), the rest the TLS 1.2 list (`-cipher`; when empty, Node's
 * default list). The security level is Node's unless the list sets one.
 */
export function cipherArgs(ciphers: string | undefined): string[] {
  const given = splitCiphers(ciphers ?? DEFAULT_CIPHERS);
  const list = given.list.length ? given.list : splitCiphers(DEFAULT_CIPHERS).list;
  const joined = list.join(':');
  const args = ['-cipher', /@SECLEVEL=/.test(joined) ? joined : `${joined}:@SECLEVEL=${NODE_SECURITY_LEVEL}`];
  if (ciphers !== undefined && given.suites.length) args.push('-ciphersuites', given.suites.join(':'));
  return args;
}

function splitCiphers(ciphers: string): { list: string[]; suites: string[] } {
  const entries = ciphers.split(':').filter((e) => e.length > 0);
  return { list: entries.filter((e) => !e.startsWith('TLS_')), suites: entries.filter((e) => e.startsWith('TLS_')) };
}
