/**
 * `client.checkName: false` (a client that replaces checkServerIdentity) on a client driver
 * that has no way its users really skip only the name check: refused where it was written,
 * naming the driver, instead of a scenario that silently still checks (or checks nothing else).
 * Every other built-in client driver honours it (targetOf in portable/client-common.ts;
 * openssl-s_client leaves out -verify_hostname).
 */
import type { Scenario } from '../../model/domain.js';
import { finding, type Finding } from '../problems.js';
import type { YamlPath } from '../yaml/yaml-path.js';

type Client = Scenario['client'];
interface Refusal { why: string; fix: string }

const OTHER_DRIVER = 'use a driver that can (node-tls, node-https, undici, openssl-s_client, or a library driver), or remove checkName';

/** per driver: why this client cannot express "no name check", or undefined when it can */
const REFUSALS: Readonly<Record<string, (client: Client) => Refusal | undefined>> = {
  'gnutls-cli': () => ({
    why: 'gnutls-cli always checks a name (--verify-hostname, else the host it connects to); only --insecure skips it, and that skips every check',
    fix: OTHER_DRIVER,
  }),
  curl: () => ({ why: 'curl cannot skip the name check alone (--insecure skips every check)', fix: OTHER_DRIVER }),
  pg: (client) => {
    const ssl = (client.library as { ssl?: unknown } | undefined)?.ssl;
    if (ssl === true) return { why: 'pg with ssl: true takes no TLS options, so nothing replaces its checkServerIdentity', fix: 'remove library.ssl (the ssl object carries checkServerIdentity), or remove checkName' };
    if (ssl === false) return { why: 'pg with ssl: false speaks no TLS: there is no name check to skip', fix: 'remove checkName' };
    return undefined;
  },
  mysql2: (client) => {
    const options = (client.library ?? {}) as { ssl?: unknown; verifyIdentity?: unknown };
    if (options.verifyIdentity === true) return { why: 'mysql2 ignores ssl.checkServerIdentity: its name check is ssl.verifyIdentity, which this scenario turns on', fix: 'remove library.verifyIdentity (mysql2 checks no name without it), or remove checkName' };
    if (options.ssl === false) return { why: 'mysql2 with ssl: false speaks no TLS: there is no name check to skip', fix: 'remove checkName' };
    return undefined;
  },
  'grpc-js': (client) => ((client.library as { checkServerIdentity?: unknown } | undefined)?.checkServerIdentity !== undefined
    ? { why: 'library.checkServerIdentity already sets createSsl\'s verifyOptions.checkServerIdentity, the hook checkName: false replaces', fix: 'keep one of library.checkServerIdentity and checkName' }
    : undefined),
  'node-fetch': (client) => (client.proxy !== undefined
    ? { why: 'behind a proxy node-fetch\'s https-proxy-agent takes the TLS options for the proxy leg only, so no checkServerIdentity reaches the origin', fix: 'remove client.proxy, or use axios, got or ws behind the proxy' }
    : undefined),
};

export function nameCheckFindings(s: Scenario, at: YamlPath): Finding[] {
  if (s.client.checkName !== false) return [];
  const refusal = REFUSALS[s.client.driver]?.(s.client);
  return refusal ? [finding(at, `client.checkName: false cannot be honoured by the ${s.client.driver} driver: ${refusal.why}`, refusal.fix)] : [];
}
