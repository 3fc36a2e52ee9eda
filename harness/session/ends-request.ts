import type { ClientProcessEnvironment, NamedPem } from '../drivers/remote/remote-environment.js';
import type { EndsRequest } from '../drivers/remote/remote-placement.js';
import type { Scenario } from '../model/domain.js';
import type { ScenarioMaterials } from './scenario-materials.js';

/** which drivers run the ends, and how the client's own process starts when it has one */
export function endsRequest(s: Scenario, m: ScenarioMaterials): EndsRequest {
  const env = s.client.environment;
  const named = (ids: string[]): NamedPem => ({ ids, pem: ids.map((id) => m.get(id).pem).join('') });
  const clientEnvironment: ClientProcessEnvironment | undefined = env && {
    ...(env.extraCaCerts ? { extraCaCerts: named(env.extraCaCerts) } : {}),
    ...(env.sslCertFile ? { sslCertFile: named(env.sslCertFile) } : {}),
    ...(env.opensslSecurityLevel !== undefined ? { opensslSecurityLevel: env.opensslSecurityLevel } : {}),
    ...(env.nodeFlags ? { nodeFlags: env.nodeFlags } : {}),
  };
  return { clientDriver: s.client.driver, serverDriver: s.server.driver, ...(clientEnvironment ? { clientEnvironment } : {}) };
}
