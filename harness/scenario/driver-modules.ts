/**
 * `client.driver` / `server.driver` naming a module (`./my-driver.mjs`): resolved from the
 * scenario file's folder, as `pki.files` are, so a scenario means the same from any working
 * directory. Loading imports each module once and checks that its default export is a driver
 * of the right kind: `tlsgate validate` and `run` refuse a missing or wrong module with the
 * file and line where it was named (exit 2) before anything runs.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isModulePath } from '../model/module-path.js';
import type { Scenario } from '../model/domain.js';
import type { ScenarioInput } from './schema/input.js';
import { writtenAt } from './checks/merged-checks.js';
import { finding, type Finding } from './problems.js';

const ENDS = ['client', 'server'] as const;

/** the drivers' module paths made absolute (from the YAML file's folder), in place */
export function resolveDriverModules(scenarios: Scenario[], yamlFile: string): void {
  const folder = dirname(yamlFile);
  for (const s of scenarios) {
    for (const end of ENDS) {
      if (isModulePath(s[end].driver)) s[end].driver = resolve(folder, s[end].driver);
    }
  }
}

/** a problem per scenario end whose module is missing or exports no driver of its kind */
export async function driverModuleFindings(scenarios: readonly Scenario[], inputs: readonly ScenarioInput[]): Promise<Finding[]> {
  const registry = await import('../drivers/portable/registry.js');
  const findings: Finding[] = [];
  for (const [index, s] of scenarios.entries()) {
    for (const end of ENDS) {
      const module = s[end].driver;
      if (!isModulePath(module)) continue;
      const at = writtenAt(inputs[index]!, index, end, 'driver');
      if (!existsSync(module)) {
        findings.push(finding(at, `driver module ${module} does not exist`, 'a module path is relative to this YAML file (like pki.files), e.g. driver: ./drivers/my-driver.mjs'));
        continue;
      }
      const problem = await (end === 'client' ? registry.getClientDriver(module) : registry.getServerDriver(module)).then(() => undefined, (err: Error) => err.message);
      if (problem) findings.push(finding(at, problem, `its default export must be a ${end === 'client' ? 'ClientDriver' : 'ServerDriver'}; see harness/drivers/README.md`));
    }
  }
  return findings;
}
