/**
 * The README's account of the catalogue and the drivers matches what ships: the catalogue count
 * and each folder's row (with its count) against the scenarios loaded from scenarios/, and the
 * Drivers table names every built-in driver once per role (against the registries).
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listDrivers, listHostileDrivers } from '../harness/drivers/portable/registry.js';
import { listLibraryDrivers } from '../harness/drivers/library/library-catalogue.js';
import { builtinScenariosDir } from '../harness/model/paths.js';
import { loadScenarios } from '../harness/scenario/load.js';
import { ROOT } from './cli/spawn.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const section = (title: string): string => {
  const start = readme.indexOf(`\n## ${title}\n`);
  expect(start, `README section ${title}`).to.be.greaterThan(0);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
};

describe('README: catalogue and drivers', function () {
  this.timeout(60_000);

  it('states the catalogue count and one row per folder with its count', async () => {
    const { scenarios, problems } = await loadScenarios([builtinScenariosDir()]);
    expect(problems).to.deep.equal([]);
    expect(readme).to.include(`(\`scenarios/\`, ${scenarios.length} scenarios)`);
    const perFolder = new Map<string, number>();
    for (const s of scenarios) perFolder.set(s.file.split('/')[0]!, (perFolder.get(s.file.split('/')[0]!) ?? 0) + 1);
    const folders = readdirSync(builtinScenariosDir(), { withFileTypes: true }).filter((d) => d.isDirectory() && perFolder.has(d.name)).map((d) => d.name).sort();
    const rows = [...section('What it checks').matchAll(/`scenarios\/([a-z0-9-]+)` \((\d+)\) \|$/gm)].map((m) => [m[1]!, Number(m[2])] as const);
    expect(rows.map(([f]) => f).sort()).to.deep.equal(folders);
    expect(rows.map(([f, n]) => [f, n])).to.deep.equal(rows.map(([f]) => [f, perFolder.get(f)]));
  });

  it('the Drivers table names every built-in driver, once per role', () => {
    const table = section('Drivers');
    const named = (role: string): string[] => {
      const row = new RegExp(`^\\| ${role} \\|(.*)$`, 'm').exec(table)?.[1] ?? '';
      return [...row.matchAll(/`([a-z0-9_-]+)`/g)].map((m) => m[1]!);
    };
    const builtIn = { client: [...listDrivers().client, ...listLibraryDrivers().client, ...listHostileDrivers().client], server: [...listDrivers().server, ...listLibraryDrivers().server, ...listHostileDrivers().server] };
    for (const role of ['client', 'server'] as const) {
      expect([...named(role)].sort(), role).to.deep.equal([...builtIn[role]].sort());
    }
  });
});
