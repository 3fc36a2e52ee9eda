/**
 * Client driver `gnutls-cli`: GnuTLS's test client (Debian gnutls-bin).
 *
 * Mapping: connect to the plan's address; servername -> `--sni-hostname` and
 * `--verify-hostname` (an IP literal: checked as the host, no SNI), trust -> `--x509cafile`
 * (`system`: GnuTLS's default store), identity -> `--x509certfile`/`--x509keyfile`, versions and
 * groups -> `--priority` (as gnutls-serv: NORMAL narrowed), ALPN -> `--alpn` each, CRLs ->
 * `--x509crlfile`, then `toolFlags`. OpenSSL cipher strings do not apply. The ping goes in on
 * stdin; the echo or answer comes back on stdout.
 *
 * Codes: GnuTLS prints no error names, only texts; the driver names them after GnuTLS's own
 * constants: certificate statuses (`- Status: ...`) as GNUTLS_CERT_*, handshake errors as
 * GNUTLS_E_*; an alert received as `Received alert [N]`.
 */
import type { ClientObservation } from '../../../model/domain.js';
import { CODES } from '../../../model/codes.js';
import type { ClientDriver, ClientPlan } from '../types.js';
import { gnutlsPriority } from './gnutls-serv.js';
import { checksIp, toolClientDriver, type ClientFiles, type ToolRun } from './tool-client.js';
import { TOOLS } from './tools.js';

export function gnutlsCliArgs(plan: ClientPlan, files: ClientFiles): string[] {
  const args = ['--port', String(plan.port), '--priority', gnutlsPriority(plan)];
  if (!checksIp(plan)) args.push('--sni-hostname', plan.servername, '--verify-hostname', plan.servername);
  if (files.ca) args.push('--x509cafile', files.ca);
  if (files.certAndChain && files.key) args.push('--x509certfile', files.certAndChain, '--x509keyfile', files.key);
  for (const protocol of plan.alpn ?? []) args.push('--alpn', protocol);
  if (files.crl) args.push('--x509crlfile', files.crl);
  return [...args, ...(plan.toolFlags ?? []), plan.host];
}

/** `- Status: The certificate is NOT trusted. <reason>.` -> GnuTLS's status flag */
const STATUS_CODES: ReadonlyArray<[RegExp, string, string]> = [
  [/issuer is unknown|signer not found/i, 'GNUTLS_CERT_SIGNER_NOT_FOUND', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'],
  [/expired/i, 'GNUTLS_CERT_EXPIRED', 'CERT_HAS_EXPIRED'],
  [/not yet activated/i, 'GNUTLS_CERT_NOT_ACTIVATED', 'CERT_NOT_YET_VALID'],
  [/revoked/i, 'GNUTLS_CERT_REVOKED', 'CERT_REVOKED'],
  [/does not match the (?:expected|hostname)|unexpected owner/i, 'GNUTLS_CERT_UNEXPECTED_OWNER', 'HOSTNAME_MISMATCH'],
  [/insecure algorithm/i, 'GNUTLS_CERT_INSECURE_ALGORITHM', 'UNSPECIFIED'],
  [/signature (?:failure|verification failed)/i, 'GNUTLS_CERT_SIGNATURE_FAILURE', 'CERT_SIGNATURE_FAILURE'],
];

/** GnuTLS's error texts -> its constants' names */
const ERROR_CODES: ReadonlyArray<[RegExp, string]> = [
  [/Error in the certificate/i, 'GNUTLS_E_CERTIFICATE_ERROR'],
  [/certificate verification failed|Verifying certificate failed/i, 'GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR'],
  [/A TLS fatal alert has been received/i, 'GNUTLS_E_FATAL_ALERT_RECEIVED'],
  [/non-properly terminated/i, 'GNUTLS_E_PREMATURE_TERMINATION'],
  [/Could not negotiate a supported cipher suite/i, 'GNUTLS_E_NO_CIPHER_SUITES'],
  [/No supported cipher suites have been found|insufficient security/i, 'GNUTLS_E_INSUFFICIENT_SECURITY'],
  [/unsupported version|protocol version/i, 'GNUTLS_E_UNSUPPORTED_VERSION_PACKET'],
  [/unsafe renegotiation/i, 'GNUTLS_E_SAFE_RENEGOTIATION_FAILED'],
  [/Error in the push function|Error in the pull function/i, 'GNUTLS_E_PUSH_ERROR'],
];

/** RFC 8446 alert numbers GnuTLS prints, by the names OpenSSL's codes use */
const TLS_ALERT_NAMES: Readonly<Record<number, string>> = {
  0: 'close_notify', 10: 'unexpected_message', 20: 'bad_record_mac', 40: 'handshake_failure', 42: 'bad_certificate',
  43: 'unsupported_certificate', 44: 'certificate_revoked', 45: 'certificate_expired', 46: 'certificate_unknown',
  47: 'illegal_parameter', 48: 'unknown_ca', 50: 'decode_error', 51: 'decrypt_error', 70: 'protocol_version',
  71: 'insufficient_security', 80: 'internal_error', 86: 'inappropriate_fallback', 100: 'no_renegotiation',
  112: 'unrecognized_name', 116: 'certificate_required', 120: 'no_application_protocol',
};

const handshakeDone = (out: string, err: string): boolean => /Handshake was completed/.test(out + err);

export function readGnutlsCli(run: ToolRun): ClientObservation {
  const both = `${run.out}\n${run.err}`;
  const protocol = /- Version: (TLS[\d.]+)/.exec(both)?.[1]?.replace(/^TLS1\.0$/, 'TLS1').replace(/^TLS/, 'TLSv');
  const description = /- Description: ([^\n]*)/.exec(both)?.[1];
  const alpn = /- Application protocol: (\S+)/.exec(both)?.[1];
  const negotiated = { ...(protocol ? { protocol } : {}), ...(description ? { cipher: description } : {}), ...(alpn ? { alpn } : {}) };
  const status = /- Status: The certificate is NOT trusted\. ([^\n]*)/.exec(both)?.[1];
  if (status) {
    const found = STATUS_CODES.find(([pattern]) => pattern.test(status));
    return { outcome: 'rejected', code: found?.[2] ?? 'UNSPECIFIED', message: `${found?.[1] ?? 'GNUTLS_CERT_INVALID'}: ${status.trim()}`, ...negotiated };
  }
  const failure = /\*\*\* (?:Fatal error|[Hh]andshake has failed|Received alert \[\d+\])[^\n]*/.exec(both)?.[0];
  const alertNumber = /Received alert \[(\d+)\]/.exec(both)?.[1];
  const alert = alertNumber ? TLS_ALERT_NAMES[Number(alertNumber)] : undefined;
  if (failure && !handshakeDone(run.out, run.err)) {
    const code = ERROR_CODES.find(([pattern]) => pattern.test(failure))?.[1] ?? 'GNUTLS_E_HANDSHAKE_FAILED';
    return { outcome: 'rejected', code, message: failure.replace(/^\*\*\* /, '').trim(), ...(alert ? { alert } : {}), ...negotiated };
  }
  if (handshakeDone(run.out, run.err)) {
    return { outcome: 'rejected', code: CODES.closedAfterHandshake, message: `the server closed the connection after the handshake without answering (gnutls-cli ${run.code === null ? 'stopped' : `exit status ${run.code}`})`, ...(alert ? { alert } : {}), ...negotiated };
  }
  return { outcome: 'rejected', code: CODES.closedDuringHandshake, message: `gnutls-cli ended during the handshake: ${both.trim().split('\n').slice(-1)[0] ?? ''}` };
}

export const gnutlsCli: ClientDriver = toolClientDriver({
  name: 'gnutls-cli', tool: TOOLS.gnutlsCli, source: 'gnutls', args: gnutlsCliArgs, sendsPing: true, handshakeDone, read: readGnutlsCli,
});
