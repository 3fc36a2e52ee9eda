/**
 * Client driver `openssl-s_client`: OpenSSL's test client against the scenario's server.
 *
 * Mapping: trust -> `-CAfile` (`system`: OpenSSL's default paths), servername -> `-servername`
 * + `-verify_hostname` (an IP literal: `-noservername` + `-verify_ip`; neither check with
 * `checkName: false`, as s_client does by default), always
 * `-verify_return_error`, identity -> `-cert`/`-cert_chain`/`-key`, versions ->
 * `-min_protocol`/`-max_protocol`, ciphers -> `-cipher`/`-ciphersuites`, ecdhCurve -> `-groups`,
 * ALPN -> `-alpn`, requestOCSP -> `-status`, CRLs -> `-CRLfile` + `-crl_check_all`,
 * allowPartialTrustChain -> `-partial_chain`, legacyServerConnect -> `-legacy_server_connect`,
 * then `toolFlags`. The ping goes in on stdin; the answer comes out on stdout.
 *
 * Codes: a verification failure is the `verify error:num=N` OpenSSL printed, named as Node
 * names it (CERT_HAS_EXPIRED, ...); any other failure is the OpenSSL reason as Node spells it
 * (`ERR_SSL_<REASON>`); a close after the handshake without an answer is
 * TLSGATE_CLOSED_AFTER_HANDSHAKE.
 */
import type { ClientObservation } from '../../../model/domain.js';
import { CODES } from '../../../model/codes.js';
import { alertIn } from '../../../model/tls-alerts.js';
import type { ClientDriver, ClientPlan } from '../types.js';
import { opensslNegotiationArgs } from './openssl-options.js';
import { verifyErrorCode } from './openssl-s-server.js';
import { checksIp, toolClientDriver, type ClientFiles, type ToolRun } from './tool-client.js';
import { TOOLS } from './tools.js';

export function sClientArgs(plan: ClientPlan, files: ClientFiles): string[] {
  const host = plan.host === '::1' ? '[::1]' : plan.host;
  const args = ['s_client', '-brief', '-connect', `${host}:${plan.port}`, '-verify_return_error'];
  // checkName: false is s_client's own default: it checks a name only when told which
  const checkName = plan.checkName !== false;
  if (checksIp(plan)) args.push('-noservername', ...(checkName ? ['-verify_ip', plan.servername] : []));
  else args.push('-servername', plan.servername, ...(checkName ? ['-verify_hostname', plan.servername] : []));
  if (files.ca) args.push('-CAfile', files.ca);
  if (files.cert && files.key) args.push('-cert', files.cert, '-key', files.key);
  if (files.chain) args.push('-cert_chain', files.chain);
  args.push(...opensslNegotiationArgs(plan));
  if (plan.requestOCSP) args.push('-status');
  if (files.crl) args.push('-CRLfile', files.crl, '-crl_check_all');
  if (plan.allowPartialTrustChain) args.push('-partial_chain');
  if (plan.legacyServerConnect) args.push('-legacy_server_connect');
  return [...args, ...(plan.toolFlags ?? [])];
}

const handshakeDone = (out: string, err: string): boolean => /CONNECTION ESTABLISHED/.test(out + err);

export function readSClient(run: ToolRun): ClientObservation {
  const both = `${run.err}\n${run.out}`;
  const protocol = /Protocol version: (\S+)/.exec(both)?.[1];
  const cipher = /Ciphersuite: (\S+)/.exec(both)?.[1];
  const group = /(?:Negotiated TLS1\.3 group|Server Temp Key|Peer Temp Key): ([A-Za-z0-9_-]+)/.exec(both)?.[1];
  const alpn = /ALPN protocol: (\S+)/.exec(both)?.[1];
  const negotiated = { ...(protocol ? { protocol } : {}), ...(cipher ? { cipher } : {}), ...(group ? { group } : {}), ...(alpn ? { alpn } : {}) };
  const verify = /verify error:num=(\d+):([^\n]*)/.exec(both);
  if (verify) return { outcome: 'rejected', code: verifyErrorCode(Number(verify[1]), verify[2]!), message: verify[2]!.trim(), ...negotiated };
  const reason = /error:[0-9A-F]+:[^:]*:[^:]*:([^:\n]+)/.exec(run.err)?.[1]?.trim();
  if (reason) {
    const code = `ERR_SSL_${reason.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;
    const alert = alertIn(code, reason);
    return { outcome: 'rejected', code, message: reason, ...(alert ? { alert } : {}), ...negotiated };
  }
  if (handshakeDone(run.out, run.err)) {
    return { outcome: 'rejected', code: CODES.closedAfterHandshake, message: `the server closed the connection after the handshake without answering (s_client ${describe(run)})`, ...negotiated };
  }
  return { outcome: 'rejected', code: CODES.closedDuringHandshake, message: `s_client ended during the handshake (${describe(run)}): ${lastLine(run.err || run.out)}` };
}

const describe = (run: ToolRun): string => (run.code === null ? 'stopped' : `exit status ${run.code}`);
const lastLine = (text: string): string => text.split('\n').filter(Boolean).slice(-1)[0] ?? '';

export const opensslSClient: ClientDriver = toolClientDriver({
  name: 'openssl-s_client', tool: TOOLS.openssl, source: 'openssl', args: sClientArgs, sendsPing: true, handshakeDone, read: readSClient,
});
