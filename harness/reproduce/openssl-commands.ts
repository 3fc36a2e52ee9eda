/**
 * openssl s_server / s_client and curl argument lists for one TLS end, built from file paths and
 * negotiation options (no scenario knowledge here, so `tlsgate serve` can reuse it). Each end
 * states Node's defaults explicitly (node-defaults.ts), so the CLI's own defaults never decide.
 */
import { isIP } from 'node:net';
import type { TlsOptionsPlan } from '../drivers/portable/types.js';
import type { ClientCertPolicy } from '../model/domain.js';
import { cipherArgs, versionArgs } from './node-defaults.js';

export interface Address {
  host: '127.0.0.1' | '::1';
  port: number;
}

/** a certificate with its key and what is sent after it (absent: the leaf alone) */
export interface IdentityFiles {
  certFile: string;
  keyFile: string;
  chainFile?: string;
  /** the certificate followed by what is sent after it, in one file (curl's --cert) */
  certAndChainFile?: string;
}

export interface SServerPlan extends TlsOptionsPlan {
  listen: Address;
  identity: IdentityFiles;
  clientCert: ClientCertPolicy;
  /** anchors for client certificates (and, with `crlCheck`, every CA's CRL) */
  clientCaFile?: string;
  /** check client certificates against the CRLs in `clientCaFile`, for every CA (Node's `crl`) */
  crlCheck: boolean;
}

export interface SClientPlan extends TlsOptionsPlan {
  connect: Address;
  /** SNI and the name checked; an IP literal sends no SNI and is checked against IP SANs */
  servername: string;
  /** false: no name check (client.checkName: false); SNI is still sent */
  checkName?: boolean;
  /** trust anchors (and, with `crlCheck`, every CA's CRL); absent: the system store */
  caFile?: string;
  allowPartialTrustChain: boolean;
  identity?: IdentityFiles;
  crlCheck: boolean;
}

/** what curl cannot say, or its argument list */
export type CurlCommand = { args: string[] } | { unsupported: string };

/** Node verifies chains up to OpenSSL's default depth (100); `-verify N` is s_server's depth limit */
const VERIFY_DEPTH = '100';

/** the request the client sends once connected: s_server -www answers it, then closes */
export const HTTP_REQUEST = 'GET / HTTP/1.0\r\n\r\n';

const hostPort = (a: Address): string => `${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;

const bareName = (name: string): string => name.replace(/^\[(.*)\]$/, '$1');

const identityArgs = (i: IdentityFiles): string[] =>
  ['-cert', i.certFile, '-key', i.keyFile, ...(i.chainFile ? ['-cert_chain', i.chainFile] : [])];

const negotiationArgs = (p: TlsOptionsPlan): string[] => [
  ...versionArgs(p.minVersion, p.maxVersion),
  ...cipherArgs(p.ciphers),
  ...(p.ecdhCurve && p.ecdhCurve !== 'auto' ? ['-groups', p.ecdhCurve] : []),
  ...(p.alpn?.length ? ['-alpn', p.alpn.join(',')] : []),
];

/** -www: answer one HTTP request per connection, so a client sees the server accept and close */
export function sServerArgs(p: SServerPlan): string[] {
  const clientCert = p.clientCert === 'require' ? ['-Verify', VERIFY_DEPTH, '-verify_return_error']
    : p.clientCert === 'request' ? ['-verify', VERIFY_DEPTH] : [];
  return [
    's_server', '-accept', hostPort(p.listen), ...(p.listen.host === '::1' ? ['-6'] : []),
    ...identityArgs(p.identity),
    ...negotiationArgs(p),
    ...clientCert,
    ...(p.clientCert !== 'none' && p.clientCaFile ? ['-CAfile', p.clientCaFile, '-no-CApath', '-no-CAstore'] : []),
    ...(p.crlCheck ? ['-crl_check_all'] : []),
    '-www',
  ];
}

/** -ign_eof: wait for the server's answer (a TLS 1.3 server refuses a client certificate only after the client's handshake) */
export function sClientArgs(p: SClientPlan): string[] {
  const name = bareName(p.servername);
  // Node's checkServerIdentity matches a fully-qualified name without its trailing dot; OpenSSL would not
  const check = p.checkName === false ? [] : isIP(name) ? ['-verify_ip', name] : ['-verify_hostname', name.replace(/\.$/, '')];
  const nameArgs = isIP(name) ? ['-noservername', ...check] : ['-servername', name, ...check];
  return [
    's_client', '-connect', hostPort(p.connect), ...nameArgs,
    ...(p.caFile ? ['-CAfile', p.caFile, '-no-CApath', '-no-CAstore'] : []),
    ...(p.allowPartialTrustChain ? ['-partial_chain'] : []),
    ...(p.crlCheck ? ['-crl_check_all'] : []),
    '-verify_return_error',
    ...negotiationArgs(p),
    ...(p.identity ? identityArgs(p.identity) : []),
    '-ign_eof',
  ];
}

/** curl fixes what it offers for ALPN and trusts a non-root anchor (partial chain) on its own */
export function curlCommand(p: SClientPlan, opts: { anchorsIncludeNonRoot: boolean }): CurlCommand {
  if (p.alpn?.length) return { unsupported: 'curl offers only its own ALPN list (h2, http/1.1), not the scenario\'s' };
  if (p.checkName === false) return { unsupported: 'curl cannot skip the name check alone (--insecure skips every check)' };
  if (opts.anchorsIncludeNonRoot && !p.allowPartialTrustChain) {
    return { unsupported: 'curl accepts a chain that ends at a trusted intermediate (it always sets OpenSSL\'s partial-chain flag); Node does not' };
  }
  const name = bareName(p.servername);
  const ip = isIP(name) !== 0;
  const port = p.connect.port;
  const url = ip ? `https://${hostPort({ host: p.connect.host, port })}/`
    : `https://${name}:${port}/`;
  return {
    args: [
      'curl', '-f', '-sS',
      ...(ip ? [] : ['--resolve', `${name}:${port}:${p.connect.host}`]),
      ...(p.caFile ? ['--cacert', p.caFile, '--capath', '/dev/null'] : []),
      ...(p.crlCheck && p.caFile ? ['--crlfile', p.caFile] : []),
      ...curlVersionArgs(p),
      ...curlCipherArgs(p.ciphers),
      ...(p.ecdhCurve && p.ecdhCurve !== 'auto' ? ['--curves', p.ecdhCurve] : []),
      ...(p.identity ? ['--cert', p.identity.certAndChainFile ?? p.identity.certFile, '--key', p.identity.keyFile] : []),
      url,
    ],
  };
}

/** the same lists as s_client's -cipher/-ciphersuites (Node's, at Node's security level) */
function curlCipherArgs(ciphers: string | undefined): string[] {
  const args = cipherArgs(ciphers);
  const value = (flag: string) => args[args.indexOf(flag) + 1];
  return ['--ciphers', value('-cipher')!, ...(args.includes('-ciphersuites') ? ['--tls13-ciphers', value('-ciphersuites')!] : [])];
}

const CURL_MIN: Record<string, string> = { TLSv1: '--tlsv1.0', 'TLSv1.1': '--tlsv1.1', 'TLSv1.2': '--tlsv1.2', 'TLSv1.3': '--tlsv1.3' };
const CURL_MAX: Record<string, string> = { TLSv1: '1.0', 'TLSv1.1': '1.1', 'TLSv1.2': '1.2', 'TLSv1.3': '1.3' };

function curlVersionArgs(p: TlsOptionsPlan): string[] {
  return [CURL_MIN[p.minVersion ?? 'TLSv1.2']!, ...(p.maxVersion ? ['--tls-max', CURL_MAX[p.maxVersion]!] : [])];
}
