/**
 * The external tool drivers' own fields, checked against the end's driver: `toolFlags` only on
 * an external tool driver and never a flag the driver sets itself, `priority` only on
 * gnutls-serv, no OpenSSL cipher string for a GnuTLS tool, `legacyServerConnect` only where the
 * client can express it. Each problem points where the value was written.
 */
import { EXTERNAL_CLIENT_DRIVERS, EXTERNAL_SERVER_DRIVERS, GNUTLS_DRIVERS, RESERVED_TOOL_FLAGS } from '../../model/external-drivers.js';
import type { Scenario } from '../../model/domain.js';
import { finding, type Finding } from '../problems.js';
import type { YamlPath } from '../yaml/yaml-path.js';

type Source = (end: 'server' | 'client', key: string) => YamlPath;

const EXTERNAL: readonly string[] = [...EXTERNAL_SERVER_DRIVERS, ...EXTERNAL_CLIENT_DRIVERS];

export function externalToolFindings(s: Scenario, source: Source): Finding[] {
  const findings: Finding[] = [];
  for (const end of ['server', 'client'] as const) {
    const driver = s[end].driver;
    const flags = s[end].toolFlags;
    if (flags && !EXTERNAL.includes(driver)) {
      findings.push(finding(source(end, 'toolFlags'), `toolFlags apply only to the external tool drivers (${EXTERNAL.join(', ')}); this ${end} runs ${driver}`, `set ${end}.driver to one of them, or remove toolFlags`));
    }
    const reserved = flags?.find((flag) => RESERVED_TOOL_FLAGS[driver]?.includes(flag.split('=')[0]!));
    if (reserved) {
      findings.push(finding(source(end, 'toolFlags'), `toolFlags must not set ${reserved}: the ${driver} driver sets it from the scenario`, 'say it with the scenario\'s own fields (cert, chain, clientCa, crl, staple, ...) instead'));
    }
    if (GNUTLS_DRIVERS.includes(driver) && s[end].ciphers !== undefined) {
      findings.push(finding(source(end, 'ciphers'), `ciphers is an OpenSSL cipher string, which ${driver} does not take`, end === 'server' ? 'write it as a GnuTLS priority string in server.priority, e.g. NORMAL:-CIPHER-ALL:+AES-128-CBC' : 'use toolFlags or another client driver'));
    }
  }
  if (s.server.priority !== undefined && s.server.driver !== 'gnutls-serv') {
    findings.push(finding(source('server', 'priority'), `priority is a GnuTLS priority string for the gnutls-serv driver; this server runs ${s.server.driver}`, 'set server.driver: gnutls-serv, or use ciphers for an OpenSSL-based server'));
  }
  if (s.client.legacyServerConnect && ['curl', 'gnutls-cli'].includes(s.client.driver)) {
    findings.push(finding(source('client', 'legacyServerConnect'), `legacyServerConnect cannot be expressed for the ${s.client.driver} driver`, 'use node-tls, node-https, undici or openssl-s_client'));
  }
  if (s.client.minDHSize !== undefined && !NODE_CLIENTS.includes(s.client.driver)) {
    findings.push(finding(source('client', 'minDHSize'), `minDHSize is Node's own option; the ${s.client.driver} driver does not pass it on`, `use ${NODE_CLIENTS.join(', ')}`));
  }
  return findings;
}

/** the clients that hand Node's own TLS options (tlsOptionsFromPlan) to node:tls as written */
const NODE_CLIENTS = ['node-tls', 'node-https', 'undici'];
