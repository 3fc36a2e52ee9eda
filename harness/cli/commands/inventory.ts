/** `tlsgate inventory`: the fingerprint of the TLS stack under test, as a table or JSON. */
import { collectInventory, type Inventory } from '../../drivers/portable/inventory/collect.js';
import { makeInventoryProbes } from '../../inventory/probes.js';
import { renderInventory } from '../../inventory/render.js';

/**
 * This process's stack; the probe certificates come from (and are cached in) certsDir. In a
 * project with a lockfile, its TLS-bearing packages' versions too (so a baseline records them
 * and drift names the package that moved).
 */
export async function gatherInventory(certsDir: string, project = process.cwd()): Promise<Inventory> {
  const [inv, packages] = await Promise.all([collectInventory(await makeInventoryProbes(certsDir)), projectPackages(project)]);
  return packages ? { ...inv, packages } : inv;
}

/** undefined without a readable lockfile: the inventory describes the stack, a project is optional */
async function projectPackages(dir: string): Promise<Record<string, string> | undefined> {
  const [{ readLockfiles }, { projectInventory, versionsByPackage }] = await Promise.all([import('../../inventory/lockfiles.js'), import('../../inventory/tls-packages.js')]);
  try {
    return versionsByPackage(projectInventory(dir, await readLockfiles(dir), new Map()));
  } catch {
    return undefined;
  }
}

export async function inventoryCommand(args: { json: boolean; certsDir: string; project?: string }): Promise<number> {
  if (args.project !== undefined) return projectInventoryCommand(args.project || '.', args.json);
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

/** `tlsgate inventory --project [DIR]`: the TLS-bearing packages the project's lockfiles install, and their drivers */
async function projectInventoryCommand(dir: string, json: boolean): Promise<number> {
  const [{ readLockfiles }, { projectInventory, renderProjectInventory }, { packageDrivers }] = await Promise.all([
    import('../../inventory/lockfiles.js'),
    import('../../inventory/tls-packages.js'),
    import('../package-drivers.js'),
  ]);
  const inv = projectInventory(dir, await readLockfiles(dir), packageDrivers());
  process.stdout.write(json ? `${JSON.stringify(inv, null, 2)}\n` : renderProjectInventory(inv));
  return 0;
}
