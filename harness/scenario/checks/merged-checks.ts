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
  const findings: Finding[] = externalToolFindings(s, source);
  const serverKey = s.server.key ?? s.server.cert;
  if (lacksKey(serverKey, pemFiles)) {
    const at = s.server.key !== undefined ? source('server', 'key') : source('server', 'cert');
    findings.push(finding(at, `certificate ${quote(serverKey)} has no private key to serve it with`, `add key: <path> under pki.files.${serverKey}, or name the certificate holding the key in server.key`));
  }
  const identity = s.client.identity;
  if (identity !== undefined && lacksKey(identity, pemFiles)) {
    findings.push(finding(source('client', 'identity'), `certificate ${quote(identity)} has no private key to use as a client identity`, `add key: <path> under pki.files.${identity}`));
  }
  return findings;
}

/** generated certificates always have their key; PEM files only when `key:` is given */
const lacksKey = (id: string, pemFiles: Record<string, PemFileRef> | undefined): boolean =>
  !!pemFiles && Object.hasOwn(pemFiles, id) && pemFiles[id]!.key === undefined;
