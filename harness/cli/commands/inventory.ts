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
  const { toolVersions } = await import('../../drivers/portable/external/tools.js');
  const externalTools = await toolVersions();
  process.stdout.write(args.json
    ? `${JSON.stringify({ ...inv, externalTools }, null, 2)}\n`
    : `${renderInventory(inv)}${renderTools(externalTools)}${await projectConfigLine()}`);
  return 0;
}

/** the other stacks' tools the external drivers run (openssl-s_server, gnutls-serv, ...) */
function renderTools(tools: Record<string, string>): string {
  return `\nexternal tools (the openssl-s_server/s_client, gnutls-serv/cli and curl drivers):\n${Object.entries(tools).map(([name, version]) => `  ${name.padEnd(12)} ${version}`).join('\n')}\n`;
}

/** which project config a run here would use (the inventory describes the stack, not the config: a bad one is only named) */
async function projectConfigLine(): Promise<string> {
  const { loadProjectConfig } = await import('../../config/load-config.js');
  const load = await loadProjectConfig();
  if (!load.found) return '\nproject config: none (tlsgate.config.json/.yaml/.yml or "tlsgate" in package.json)\n';
  if ('problems' in load) return `\nproject config: ${load.problems[0]!.file}, with ${load.problems.length} problem(s): \`tlsgate run\` lists them\n`;
  return `\nproject config: ${load.config.source} (${load.config.accept.length} acceptance${load.config.accept.length === 1 ? '' : 's'})\n`;
}
