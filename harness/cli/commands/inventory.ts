/** `tlsgate inventory`: the fingerprint of the TLS stack under test, as a table or JSON. */
import { collectInventory, type Inventory } from '../../drivers/portable/inventory/collect.js';
import { makeInventoryProbes } from '../../inventory/probes.js';
import { renderInventory } from '../../inventory/render.js';

/** this process's stack; the probe certificates come from (and are cached in) certsDir */
export async function gatherInventory(certsDir: string): Promise<Inventory> {
  return collectInventory(await makeInventoryProbes(certsDir));
}

export async function inventoryCommand(args: { json: boolean; certsDir: string }): Promise<number> {
  const inv = await gatherInventory(args.certsDir);
  process.stdout.write(args.json ? `${JSON.stringify(inv, null, 2)}\n` : renderInventory(inv));
  return 0;
}
