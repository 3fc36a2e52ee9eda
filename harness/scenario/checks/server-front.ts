/**
 * `server.front` wraps a server that speaks TLS from its first byte: a protocol server reads a
 * plain-text greeting first (STARTTLS, SSLRequest), a hostile peer never handshakes, and a
 * driver module is not known to do either. The problem points where `front` was written.
 */
import type { Scenario } from '../../model/domain.js';
import { finding, type Finding } from '../problems.js';
import type { YamlPath } from '../yaml/yaml-path.js';

/**
 * The server drivers that speak TLS from the first byte and take the ClientHello as it comes.
 * Kept here, not beside the TypeBox format, so that loading scenarios loads no TypeBox.
 */
const FRONTABLE_SERVER_DRIVERS: readonly string[] = ['node-tls', 'openssl-s_server', 'gnutls-serv'];

export function serverFrontFindings(s: Scenario, at: YamlPath): Finding[] {
  if (s.server.front === undefined || FRONTABLE_SERVER_DRIVERS.includes(s.server.driver)) return [];
  return [finding(at, `server.front cannot wrap the ${s.server.driver} server: the one-read front judges a ClientHello as the connection's first bytes, which only ${FRONTABLE_SERVER_DRIVERS.join(', ')} take`,
    `set server.driver to one of ${FRONTABLE_SERVER_DRIVERS.join(', ')}, or remove front`)];
}
