/**
 * `client.library` and `client.proxy`, checked after merging (either may come from defaults):
 * library options only with a library driver, and then against that driver's own schema; a proxy
 * only with a driver that can use one, and a TLS proxy with its certificate. Each problem points
 * where the value was written.
 */
import { LIBRARY_CLIENTS } from '../../drivers/library/library-catalogue.js';
import type { Scenario } from '../../model/domain.js';
import type { ScenarioInput } from '../schema/input.js';
import { libraryOptionsValidator } from '../schema/library-options-validator.js';
import { translateSchemaErrors } from '../schema/schema-errors.js';
import { finding, type Finding } from '../problems.js';
import { quote } from '../quote.js';
import { writtenAt } from './merged-checks.js';

export function libraryFindings(s: Scenario, input: ScenarioInput, index: number): Finding[] {
  return [...libraryOptionFindings(s, input, index), ...proxyFindings(s, input, index)];
}

function libraryOptionFindings(s: Scenario, input: ScenarioInput, index: number): Finding[] {
  if (s.client.library === undefined) return [];
  const at = writtenAt(input, index, 'client', 'library');
  const driver = LIBRARY_CLIENTS.get(s.client.driver);
  if (!driver) {
    return [finding(at, `client.library applies to library drivers only, not to ${quote(s.client.driver)}`, `set client.driver to one of ${[...LIBRARY_CLIENTS.keys()].join(', ')}, or remove client.library`)];
  }
  const validate = libraryOptionsValidator(driver.name);
  if (validate(s.client.library)) return [];
  return translateSchemaErrors(validate.errors ?? [], s.client.library).map((f) => ({
    ...f,
    path: [...at, ...f.path],
    hint: `${f.hint ? `${f.hint}; ` : ''}the ${driver.name} driver's options are listed in harness/drivers/README.md`,
  }));
}

function proxyFindings(s: Scenario, input: ScenarioInput, index: number): Finding[] {
  const proxy = s.client.proxy;
  if (proxy === undefined) return [];
  const at = writtenAt(input, index, 'client', 'proxy');
  const driver = LIBRARY_CLIENTS.get(s.client.driver);
  if (!driver?.proxy) {
    const able = [...LIBRARY_CLIENTS.values()].filter((d) => d.proxy).map((d) => d.name);
    return [finding(at, `driver ${quote(s.client.driver)} cannot go through client.proxy`, `a proxy applies to ${able.join(', ')}`)];
  }
  if (proxy.tls && proxy.cert === undefined) return [finding(at, 'a TLS proxy (tls: true) needs cert: the id of the certificate it presents', 'add cert: <id> under client.proxy')];
  if (!proxy.tls && (proxy.cert !== undefined || proxy.trust !== undefined)) return [finding(at, 'cert and trust apply to a TLS proxy only', 'add tls: true, or remove cert and trust')];
  return [];
}
