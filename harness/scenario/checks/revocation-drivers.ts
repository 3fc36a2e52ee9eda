/**
 * `client.revocation` in a mode tlsgate checks itself after the handshake (ocsp, ocsp-then-crl,
 * ocsp-stapled) on a client driver that never hands tlsgate its TLS socket before it sends:
 * refused where it was written, instead of a run that can only end in a configuration error.
 * The session still turns any acceptance without the check into one (scenario-session.ts), for
 * drivers not listed here and for crl mode, where tlsgate judges only when OpenSSL cannot.
 */
import { LIBRARY_CLIENTS } from '../../drivers/library/library-catalogue.js';
import type { Scenario } from '../../model/domain.js';
import { EXTERNAL_CLIENT_DRIVERS } from '../../model/external-drivers.js';
import { finding, type Finding } from '../problems.js';
import type { YamlPath } from '../yaml/yaml-path.js';

const CHECKED_AFTER_HANDSHAKE: ReadonlySet<string> = new Set(['ocsp', 'ocsp-then-crl', 'ocsp-stapled']);

function whyUnchecked(client: Scenario['client']): string | undefined {
  if ((EXTERNAL_CLIENT_DRIVERS as readonly string[]).includes(client.driver)) return 'another stack\'s tool makes the connection, so tlsgate never holds its TLS socket';
  if (LIBRARY_CLIENTS.get(client.driver)?.holdsSocket === false) return 'the library keeps its TLS socket to itself until it has sent';
  return client.proxy !== undefined ? 'behind client.proxy the proxy agent tunnels the TLS socket' : undefined;
}

export function revocationDriverFindings(s: Scenario, at: YamlPath): Finding[] {
  const mode = s.client.revocation?.mode;
  if (mode === undefined || !CHECKED_AFTER_HANDSHAKE.has(mode)) return [];
  const why = whyUnchecked(s.client);
  return why === undefined ? [] : [finding(at,
    `client.revocation mode ${mode} is checked by tlsgate after the handshake, which the ${s.client.driver} driver cannot run: ${why}`,
    'use node-tls, node-https, undici, axios, got or node-fetch (without client.proxy) for this scenario, or remove client.revocation')];
}
