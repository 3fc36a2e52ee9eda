/**
 * Checks that need the merged scenario, because a value may come from the scenario or from the
 * file's defaults: the server has a certificate, and the certificates whose private keys are
 * used (the server's, the client identity) have one. Each problem points where the value was
 * written, or where it should be.
 */
import type { PemFileRef, Scenario } from '../../model/domain.js';
import type { ScenarioInput } from '../schema/input.js';
import { finding, type Finding } from '../problems.js';
import { quote } from '../quote.js';
import { externalToolFindings } from './external-tools.js';
import { nameCheckFindings } from './name-check.js';
import { revocationDriverFindings } from './revocation-drivers.js';
import { serverFrontFindings } from './server-front.js';
import type { YamlPath } from '../yaml/yaml-path.js';

/** where `end.key` of scenario `index` was written: the scenario's own value wins over the defaults' */
export const writtenAt = (input: ScenarioInput, index: number, end: 'server' | 'client', key: string): YamlPath =>
  (input[end] && Object.hasOwn(input[end], key) ? ['scenarios', index, end, key] : ['defaults', end, key]);

export function mergedFindings(s: Scenario, input: ScenarioInput, index: number, pemFiles: Record<string, PemFileRef> | undefined): Finding[] {
  const own: YamlPath = ['scenarios', index];
  const source = (end: 'server' | 'client', key: string): YamlPath => writtenAt(input, index, end, key);

  if (typeof s.server.cert !== 'string') {
    return [finding([...own, 'server', 'cert'], "missing required key 'cert'", 'the id of the certificate the server presents: set server.cert here or in defaults.server')];
  }
  const findings: Finding[] = [...externalToolFindings(s, source), ...nameCheckFindings(s, source('client', 'checkName')), ...serverFrontFindings(s, source('server', 'front')),
    ...revocationDriverFindings(s, source('client', 'revocation'))];
  const serverKey = s.server.key ?? s.server.cert;
  if (lacksKey(serverKey, pemFiles)) {
    const at = s.server.key !== undefined ? source('server', 'key') : source('server', 'cert');
    findings.push(finding(at, `certificate ${quote(serverKey)} has no private key to serve it with`, `add key: <path> under pki.files.${serverKey}, or name the certificate holding the key in server.key`));
  }
  const identity = s.client.identity;
  if (identity !== undefined && lacksKey(identity, pemFiles)) {
    findings.push(finding(source('client', 'identity'), `certificate ${quote(identity)} has no private key to use as a client identity`, `add key: <path> under pki.files.${identity}`));
  }
  findings.push(...explicitTrustFindings(s, input, index, pemFiles));
  return findings;
}

/**
 * With `pki.files`, tlsgate cannot tell a team's root from a root the server merely sends: both
 * are just files. So trust is never inferred from them; the scenario names its anchors.
 */
function explicitTrustFindings(s: Scenario, input: ScenarioInput, index: number, pemFiles: Record<string, PemFileRef> | undefined): Finding[] {
  if (!pemFiles) return [];
  const fromFiles = (id: string | undefined) => id !== undefined && filesEntryOf(id, pemFiles) !== undefined;
  const files = Object.keys(pemFiles).filter((id) => pemFiles[id]!.cert !== undefined);
  const findings: Finding[] = [];
  if (s.client.trust === undefined && fromFiles(s.server.cert)) {
    findings.push(finding(['scenarios', index, 'client', 'trust'],
      `client.trust is missing: the server certificate ${quote(s.server.cert)} comes from pki.files, and tlsgate never infers trust from files (a root the server sends is not a trust anchor)`,
      `name the anchors the client trusts, here or in defaults.client, e.g. trust: [<id of your root>] (pki.files ids: ${files.join(', ')})`));
  }
  if (s.server.clientCert !== 'none' && s.server.clientCa === undefined && fromFiles(s.client.identity)) {
    findings.push(finding(writtenAt(input, index, 'server', 'clientCert'),
      `server.clientCa is missing: the client identity ${quote(s.client.identity!)} comes from pki.files, and tlsgate never infers the server's trust from files`,
      `name the anchors the server trusts for client certificates, here or in defaults.server, e.g. clientCa: [<id of your client root>] (pki.files ids: ${files.join(', ')})`));
  }
  return findings;
}

/** the pki.files entry a certificate id comes from (`full#2` comes from `full`), if it does */
export function filesEntryOf(id: string, pemFiles: Record<string, PemFileRef> | undefined): PemFileRef | undefined {
  const entry = id.replace(/#\d+$/, '');
  return pemFiles && Object.hasOwn(pemFiles, entry) && pemFiles[entry]!.cert !== undefined ? pemFiles[entry] : undefined;
}

/** generated certificates always have their key; PEM files only when `key:` is given (a bundle's, for its first) */
const lacksKey = (id: string, pemFiles: Record<string, PemFileRef> | undefined): boolean => {
  const entry = filesEntryOf(id, pemFiles);
  return !!entry && (entry.key === undefined || id.includes('#'));
};
