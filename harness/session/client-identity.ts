/** A client identity handed to Node as a PKCS#12 bundle (the format many real clients load). */
import { ScenarioError } from '../model/internal-fault.js';
import type { Scenario } from '../model/domain.js';
import type { ScenarioMaterials } from './scenario-materials.js';
import type { ClientIdentity } from './tls-plans.js';

const PASSPHRASE = 'tlsgate';

export async function pkcs12Identity(s: Scenario, m: ScenarioMaterials): Promise<ClientIdentity> {
  const generated = m.generated;
  const id = s.client.identity!;
  if (!generated?.certs.has(id)) throw new ScenarioError(`identityFormat pkcs12 needs a generated client certificate; '${id}' is not one`);
  const chain = m.defaultChain(id).map((c) => generated.get(c));
  // node-forge (42 modules) loads only for a scenario that asks for a PKCS#12 identity
  const { pkcs12 } = await import('../../ca/issue/pkcs12.js');
  const bundle = await pkcs12(generated.get(id), chain, PASSPHRASE);
  return { pfxBase64: bundle.toString('base64'), passphrase: PASSPHRASE };
}
