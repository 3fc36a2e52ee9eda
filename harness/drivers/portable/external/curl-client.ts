/**
 * Client driver `curl`: one HTTPS GET of `/` (Debian curl, whichever TLS library it was built
 * with; the version line names it).
 *
 * Mapping: the URL names the servername and `--resolve` points it at the plan's address (an IP
 * literal is the URL's host), trust -> `--cacert` (`system`: curl's default store), identity ->
 * `--cert`/`--key` (leaf and chain in one file), versions -> `--tlsv1.x` (floor) and
 * `--tls-max`, ciphers -> `--ciphers`/`--tls13-ciphers`, ecdhCurve -> `--curves`, requestOCSP
 * -> `--cert-status`, CRLs -> `--crlfile`, then `toolFlags`. ALPN is curl's own (http/1.1 with
 * `--http1.1`).
 *
 * Codes: curl's exit status as its CURLE_* name; the message is curl's own line.
 */
import type { ClientObservation, TlsVersion } from '../../../model/domain.js';
import type { ClientDriver, ClientPlan } from '../types.js';
import { splitCiphers } from './openssl-options.js';
import { checksIp, toolClientDriver, type ClientFiles, type ToolRun } from './tool-client.js';
import { TOOLS } from './tools.js';

const CURL_VERSION: Readonly<Record<TlsVersion, string>> = { TLSv1: '1.0', 'TLSv1.1': '1.1', 'TLSv1.2': '1.2', 'TLSv1.3': '1.3' };

export function curlArgs(plan: ClientPlan, files: ClientFiles): string[] {
  const ip = checksIp(plan);
  const urlHost = ip ? (plan.servername.includes(':') ? `[${plan.servername}]` : plan.servername) : plan.servername;
  const args = ['--silent', '--show-error', '--http1.1', '--max-time', String(Math.max(1, Math.ceil(plan.timeoutMs / 1000)))];
  if (!ip) args.push('--resolve', `${plan.servername}:${plan.port}:${plan.host}`);
  if (files.ca) args.push('--cacert', files.ca);
  if (files.certAndChain && files.key) args.push('--cert', files.certAndChain, '--key', files.key);
  if (plan.minVersion) args.push(`--tlsv${CURL_VERSION[plan.minVersion]}`);
  if (plan.maxVersion) args.push('--tls-max', CURL_VERSION[plan.maxVersion]);
  const { list, suites } = splitCiphers(plan.ciphers);
  if (list.length) args.push('--ciphers', list.join(':'));
  if (suites.length) args.push('--tls13-ciphers', suites.join(':'));
  if (plan.ecdhCurve) args.push('--curves', plan.ecdhCurve);
  if (plan.requestOCSP) args.push('--cert-status');
  if (files.crl) args.push('--crlfile', files.crl);
  return [...args, ...(plan.toolFlags ?? []), `https://${urlHost}:${plan.port}/`];
}

/** curl's exit statuses a TLS scenario meets, by their libcurl names */
const CURLE: Readonly<Record<number, string>> = {
  6: 'COULDNT_RESOLVE_HOST', 7: 'COULDNT_CONNECT', 16: 'HTTP2', 28: 'OPERATION_TIMEDOUT', 35: 'SSL_CONNECT_ERROR',
  52: 'GOT_NOTHING', 55: 'SEND_ERROR', 56: 'RECV_ERROR', 58: 'SSL_CERTPROBLEM', 59: 'SSL_CIPHER',
  60: 'PEER_FAILED_VERIFICATION', 77: 'SSL_CACERT_BADFILE', 80: 'SSL_SHUTDOWN_FAILED', 82: 'SSL_CRL_BADFILE',
  83: 'SSL_ISSUER_ERROR', 90: 'SSL_PINNEDPUBKEYNOTMATCH', 91: 'SSL_INVALIDCERTSTATUS',
};

export function readCurl(run: ToolRun): ClientObservation {
  if (run.code === 0 || run.code === null) return { outcome: 'rejected', code: 'TLSGATE_UNEXPECTED_RESPONSE', message: `unexpected answer: ${JSON.stringify(run.out.slice(0, 80))}` };
  const line = /curl: \((\d+)\) ([^\n]*)/.exec(run.err);
  const name = CURLE[run.code] ?? `CODE_${run.code}`;
  return { outcome: 'rejected', code: `CURLE_${name}`, message: line?.[2]?.trim() ?? run.err.trim() };
}

export const curlClient: ClientDriver = toolClientDriver({
  name: 'curl', tool: TOOLS.curl, source: 'curl', args: curlArgs, sendsPing: false, handshakeDone: () => false, read: readCurl,
});
