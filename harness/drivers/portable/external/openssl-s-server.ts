/**
 * Server driver `openssl-s_server`: OpenSSL's own test server with the scenario's materials.
 *
 * Mapping: cert -> `-cert`, the chain exactly as planned -> `-cert_chain` (s_server sends it in
 * that order, unsorted), key -> `-key`, versions -> `-min_protocol`/`-max_protocol`, ciphers ->
 * `-cipher` (TLS 1.2 names) and `-ciphersuites` (`TLS_*` names), ecdhCurve -> `-groups`, ALPN
 * -> `-alpn`, clientCert request -> `-verify 9`, require -> `-Verify 9 -verify_return_error`,
 * clientCa -> `-CAfile`, CRLs -> `-CRLfile` + `-crl_check_all`, the staple -> `-status_file`,
 * then the scenario's `toolFlags` as written.
 *
 * The wire protocol: s_server runs in its relay mode (stdin to the client, the client's data to
 * stdout). `-www` would answer only `GET` lines, never the node-tls client's ping, so the driver
 * reads the client's ping or HTTP request from stdout and writes the answer to stdin: every
 * client gets exactly what the node-tls server answers. `-brief` makes it print each
 * connection's protocol and cipher, which is the server observation.
 */
import type { ServerObservation } from '../../../model/domain.js';
import { answerTo } from '../node/node-tls-server.js';
import type { ServerDriver, ServerPlan } from '../types.js';
import { opensslNegotiationArgs } from './openssl-options.js';
import { toolServerDriver, type ServerFiles } from './tool-server.js';
import { TOOLS } from './tools.js';

const VERIFY_DEPTH = '9';

export function sServerArgs(plan: ServerPlan, files: ServerFiles, port: number): string[] {
  const host = plan.host === '::1' ? '[::1]' : plan.host;
  const args = ['s_server', '-brief', '-accept', `${host}:${port}`, '-cert', files.cert, '-key', files.key];
  if (files.chain) args.push('-cert_chain', files.chain);
  args.push(...opensslNegotiationArgs(plan));
  if (plan.requestCert) {
    args.push(plan.requireClientCert ? '-Verify' : '-verify', VERIFY_DEPTH);
    if (plan.requireClientCert) args.push('-verify_return_error');
    if (files.clientCa) args.push('-CAfile', files.clientCa);
  }
  if (files.crl) args.push('-CRLfile', files.crl, '-crl_check_all');
  if (files.staple) args.push('-status_file', files.staple);
  return [...args, ...(plan.toolFlags ?? [])];
}

const REQUEST = /(?:^|\n)((?:GET|HEAD|POST|PUT|OPTIONS) [^\n]*\n(?:[^\n]*\S[^\n]*\n)*\r?\n)/;
const PING_SEEN = /tlsgate-ping\n/;

function answer(out: string): { text: string; consumed: number } | undefined {
  const http = REQUEST.exec(out);
  const ping = PING_SEEN.exec(out);
  if (http && (!ping || http.index < ping.index)) return { text: answerTo(http[1]!), consumed: http.index + http[0].length };
  if (ping) return { text: answerTo(ping[0]), consumed: ping.index + ping[0].length };
  return undefined;
}

/** -brief prints, per connection, to stderr: Protocol version, Ciphersuite, the client's certificate or errors */
function observe(out: string, err: string): Partial<ServerObservation> {
  const established = /Protocol version:/.test(err);
  const verifyError = /verify error:num=(\d+):([^\n]*)/.exec(err + out);
  const failure = /error:[0-9A-F]+:[^:]*:[^:]*:([^:\n]+)/.exec(err);
  const peer = /Client certificate\n[\s\S]*?subject=([^\n]*)/.exec(out);
  const seen: Partial<ServerObservation> = { handshake: established };
  if (/Client certificate|verify depth is|depth=0/.test(out + err) && (peer || verifyError)) seen.clientCertPresented = true;
  if (verifyError) {
    seen.authorized = false;
    seen.authorizationError = verifyErrorCode(Number(verifyError[1]), verifyError[2]!);
  } else if (seen.clientCertPresented) seen.authorized = true;
  if (failure) {
    seen.errorCode = `ERR_SSL_${failure[1]!.trim().toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;
    seen.errorMessage = failure[1]!.trim();
  }
  seen.bytesReceived = (REQUEST.test(out) || PING_SEEN.test(out)) ? 1 : 0;
  return seen;
}

/** OpenSSL's X509_V_ERR_* numbers, named as Node names them (only the ones a scenario meets) */
const VERIFY_CODES: Readonly<Record<number, string>> = {
  2: 'UNABLE_TO_GET_ISSUER_CERT', 3: 'UNABLE_TO_GET_CRL', 7: 'CERT_SIGNATURE_FAILURE', 8: 'CRL_SIGNATURE_FAILURE',
  9: 'CERT_NOT_YET_VALID', 10: 'CERT_HAS_EXPIRED', 11: 'CRL_NOT_YET_VALID', 12: 'CRL_HAS_EXPIRED',
  18: 'DEPTH_ZERO_SELF_SIGNED_CERT', 19: 'SELF_SIGNED_CERT_IN_CHAIN', 20: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  21: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 23: 'CERT_REVOKED', 24: 'INVALID_CA', 25: 'PATH_LENGTH_EXCEEDED',
  26: 'INVALID_PURPOSE', 27: 'CERT_UNTRUSTED', 28: 'CERT_REJECTED', 62: 'HOSTNAME_MISMATCH', 64: 'IP_ADDRESS_MISMATCH',
};

/** the Node-style name of an OpenSSL verify error number; others as Node reports them, UNSPECIFIED */
export function verifyErrorCode(num: number, _text: string): string {
  return VERIFY_CODES[num] ?? 'UNSPECIFIED';
}

export const opensslSServer: ServerDriver = toolServerDriver({
  name: 'openssl-s_server',
  tool: TOOLS.openssl,
  source: 'openssl',
  args: sServerArgs,
  addressInUse: /Address already in use|bind: /i,
  connectionEnded: (_out, err) => /Protocol version:|error:[0-9A-F]+:/.test(err),
  observe,
  answer,
});
