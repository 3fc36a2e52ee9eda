/**
 * Why a scenario's handshake cannot be reproduced by one `openssl s_server` and one
 * `openssl s_client`, when it cannot. Printing commands that do not reproduce would be worse than
 * printing none, so every difference that would change the verdict is named here.
 */
import { isIP } from 'node:net';
import type { FaultSpec, Scenario } from '../model/domain.js';
import { EXTERNAL_CLIENT_DRIVERS, EXTERNAL_SERVER_DRIVERS } from '../model/external-drivers.js';
import type { ScenarioMaterials } from '../session/scenario-materials.js';

/** drivers whose handshake is Node's own TLS stack with the scenario's options */
const NODE_TLS_CLIENTS = new Set(['node-tls', 'node-https']);

const isExternalDriver = (name: string): boolean =>
  (EXTERNAL_SERVER_DRIVERS as readonly string[]).includes(name) || (EXTERNAL_CLIENT_DRIVERS as readonly string[]).includes(name);

type Rule = (s: Scenario, m: ScenarioMaterials) => string | undefined;

const RULES: readonly Rule[] = [
  (s) => s.skip !== undefined ? `the scenario is skipped on this stack (${s.skip})` : undefined,
  (s) => s.then?.length
    ? 'it makes more than one connection (`then` steps revoke, unrevoke, resume, wait, rotate or retrust between them); one s_client makes one connection'
    : undefined,
  (s) => s.client.environment
    ? "the client's trust or defaults come from how its Node process starts (client.environment: NODE_EXTRA_CA_CERTS, SSL_CERT_FILE, OPENSSL_CONF or Node flags), which the openssl CLI does not read the same way"
    : undefined,
  (s) => s.server.driver === 'node-tls' ? undefined
    : isExternalDriver(s.server.driver)
      ? `the server is the '${s.server.driver}' driver, which already runs that tool (its command line: README, Other stacks); a Node server's s_server line would not be that server`
      : `the server is the '${s.server.driver}' driver (a peer that misbehaves on purpose); s_server is a well-behaved TLS server`,
  (s) => NODE_TLS_CLIENTS.has(s.client.driver) ? undefined
    : isExternalDriver(s.client.driver)
      ? `the client is the '${s.client.driver}' driver, which already runs that tool (its command line: README, Other stacks)`
      : s.client.driver === 'undici'
      ? 'the scenario checks the undici client (its Agent options, how it reports errors); s_client reproduces only the TLS handshake under it'
      : `the client is the custom driver '${s.client.driver}'; s_client is not that client`,
  (s) => {
    const faults = (s.faults ?? []).filter((f) => !faultReachesTheFiles(s, f));
    return faults.length
      ? `the verdict comes from injected revocation-server faults (${faults.map((f) => `${f.server} ${f.fault.kind}`).join(', ')}), which exist only inside tlsgate's CRL server and OCSP responder`
      : undefined;
  },
  (s) => {
    const mode = s.client.revocation?.mode ?? 'none';
    return mode === 'ocsp' || mode === 'ocsp-then-crl' || mode === 'ocsp-stapled'
      ? `the client checks revocation by OCSP (mode '${mode}', done by tlsgate after the handshake); s_client -status only prints a staple and never refuses on it, and it does not query responders`
      : undefined;
  },
  (s) => s.server.front
    ? `the client reaches the server through tlsgate's one-read front (server.front: readsOnce ${s.server.front.readsOnce}), which resets a ClientHello past that read; s_client would meet s_server directly`
    : undefined,
  (s) => s.client.minDHSize !== undefined
    ? "the client sets Node's minDHSize (the smallest DHE group it accepts); s_client has no such floor"
    : undefined,
  (s) => s.server.authorizeSpiffeIds
    ? "the server authorizes the client's SPIFFE ID after the handshake (application logic); s_server has no such check"
    : undefined,
  (s) => alpnMismatch(s)
    ? 'the ALPN lists do not overlap: a Node server refuses with no_application_protocol, s_server answers without ALPN and accepts'
    : undefined,
  (s, m) => cnFallbackDiffers(s, m)
    ? `the leaf has a subjectAltName but no DNS name for '${s.client.servername}': Node then ignores the subject CN, OpenSSL's -verify_hostname falls back to it`
    : undefined,
];

export function whyNotExpressible(s: Scenario, m: ScenarioMaterials): string | undefined {
  for (const rule of RULES) {
    const reason = rule(s, m);
    if (reason) return reason;
  }
  return undefined;
}

/**
 * A CRL-server fault under a `crl`-mode client changes only which CRLs the client ends up with:
 * the reproduction fetches them through the same faulted server, so the files hold what Node gets.
 */
function faultReachesTheFiles(s: Scenario, f: FaultSpec): boolean {
  return f.server === 'crl' && s.client.revocation?.mode === 'crl' && !s.server.crl?.length;
}

function alpnMismatch(s: Scenario): boolean {
  const server = s.server.alpn ?? [];
  const client = s.client.alpn ?? [];
  return server.length > 0 && client.length > 0 && !client.some((p) => server.includes(p));
}

function cnFallbackDiffers(s: Scenario, m: ScenarioMaterials): boolean {
  const name = s.client.servername.replace(/^\[(.*)\]$/, '$1');
  if (isIP(name)) return false;
  const san = m.get(s.server.cert).x509.subjectAltName;
  return san !== undefined && !/(^|, )DNS:/.test(san);
}
