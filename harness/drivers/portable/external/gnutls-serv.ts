/**
 * Server driver `gnutls-serv`: GnuTLS's test server (Debian gnutls-bin) with the scenario's
 * materials, in its echo mode (`--echo`): the node-tls client's ping comes back, which is the
 * wire protocol's answer for an echo server (client-common.ts). HTTP clients get their request
 * echoed, not a response: use the node-tls client against it.
 *
 * Mapping: leaf and chain, in plan order, -> `--x509certfile` (one file), key ->
 * `--x509keyfile`, the priority string (`priority`, default `NORMAL`) with the plan's versions
 * (`-VERS-ALL:+VERS-TLS1.x`) and groups (`-GROUP-ALL:+GROUP-...`) appended -> `--priority`,
 * ALPN -> `--alpn` each, clientCert request -> `--verify-client-cert`, require ->
 * `--require-client-cert`, clientCa -> `--x509cafile`, CRLs -> `--x509crlfile`, the staple ->
 * `--ocsp-response` with `--ignore-ocsp-response-errors` (a stale staple is still sent: the
 * client's reaction is what is tested), then `toolFlags`. OpenSSL cipher strings do not apply
 * (validation refuses `ciphers` here: say it in the priority string).
 *
 * gnutls-serv has no listen-address option: it binds its port on every interface (IPv4 and
 * IPv6). So it runs in a private network namespace, whose only interface is that namespace's own
 * loopback, on a fixed port there, and the scenario's address is a loopback bridge in tlsgate
 * (private-network.ts); where the namespace cannot be made, the scenario is skipped.
 */
import type { ServerObservation, TlsVersion } from '../../../model/domain.js';
import type { ServerDriver, ServerPlan, TlsOptionsPlan } from '../types.js';
import { toolServerDriver, type ServerFiles } from './tool-server.js';
import { TOOLS } from './tools.js';

const VERSION_ORDER: readonly TlsVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
const GNUTLS_VERSION: Readonly<Record<TlsVersion, string>> = { TLSv1: 'TLS1.0', 'TLSv1.1': 'TLS1.1', 'TLSv1.2': 'TLS1.2', 'TLSv1.3': 'TLS1.3' };

/** OpenSSL / Node group names -> GnuTLS priority keywords */
const GNUTLS_GROUP: Readonly<Record<string, string>> = {
  X25519: 'X25519', X448: 'X448', 'P-256': 'SECP256R1', prime256v1: 'SECP256R1', secp256r1: 'SECP256R1',
  'P-384': 'SECP384R1', secp384r1: 'SECP384R1', 'P-521': 'SECP521R1', secp521r1: 'SECP521R1',
  ffdhe2048: 'FFDHE2048', ffdhe3072: 'FFDHE3072', ffdhe4096: 'FFDHE4096', ffdhe6144: 'FFDHE6144', ffdhe8192: 'FFDHE8192',
};

/** the priority string the plan means: the scenario's own (or NORMAL), narrowed by versions and groups */
export function gnutlsPriority(plan: TlsOptionsPlan & { priority?: string | undefined }): string {
  const parts = [plan.priority ?? 'NORMAL'];
  if (plan.minVersion || plan.maxVersion) {
    const lo = VERSION_ORDER.indexOf(plan.minVersion ?? 'TLSv1.2');
    const hi = VERSION_ORDER.indexOf(plan.maxVersion ?? 'TLSv1.3');
    parts.push('-VERS-ALL', ...VERSION_ORDER.slice(lo, hi + 1).map((v) => `+VERS-${GNUTLS_VERSION[v]}`));
  }
  if (plan.ecdhCurve) parts.push('-GROUP-ALL', ...plan.ecdhCurve.split(':').map((g) => `+GROUP-${GNUTLS_GROUP[g] ?? g.toUpperCase()}`));
  return parts.join(':');
}

export function gnutlsServArgs(plan: ServerPlan, files: ServerFiles, port: number): string[] {
  const args = ['--echo', '--port', String(port), '--x509certfile', files.certAndChain, '--x509keyfile', files.key, '--priority', gnutlsPriority(plan)];
  for (const protocol of plan.alpn ?? []) args.push('--alpn', protocol);
  if (plan.requestCert) {
    args.push(plan.requireClientCert ? '--require-client-cert' : '--verify-client-cert');
    if (files.clientCa) args.push('--x509cafile', files.clientCa);
  }
  if (files.crl) args.push('--x509crlfile', files.crl);
  if (files.staple) args.push('--ocsp-response', files.staple, '--ignore-ocsp-response-errors');
  return [...args, ...(plan.toolFlags ?? [])];
}

/**
 * Per connection: `* Accepted connection`, then `- Description: ...` (done) or `Error in handshake: ...`
 * on stdout, and the echoed data (`received cmd:`, `Processing N bytes`) on stderr. The two pipes
 * reach tlsgate in either order, so data received also says the handshake was done: read on
 * stdout alone, a connection sometimes showed its data but no handshake.
 */
export function observeGnutlsServ(out: string, err: string): Partial<ServerObservation> {
  const both = out + err;
  const failure = /Error in handshake: ([^\n]*)/.exec(both);
  const dataReceived = /received cmd:|Processing \d+ bytes/.test(both);
  const seen: Partial<ServerObservation> = { handshake: dataReceived || /- Description:/.test(out) };
  if (failure) seen.errorMessage = failure[1]!.trim();
  if (/Peer has sent \d+ certificate|- Certificate\[0\] info/i.test(out)) seen.clientCertPresented = true;
  if (dataReceived) seen.bytesReceived = Number(/Processing (\d+) bytes/.exec(both)?.[1] ?? 1);
  return seen;
}

export const gnutlsServ: ServerDriver = toolServerDriver({
  name: 'gnutls-serv',
  tool: TOOLS.gnutlsServ,
  source: 'gnutls',
  args: gnutlsServArgs,
  privateNetwork: true,
  connectionEnded: (out, err) => /Error in handshake|Processing \d+ bytes|Error while receiving/.test(out + err),
  observe: observeGnutlsServ,
});
