/**
 * Runs every scenario of a YAML text through one engine, in order, and gives each scenario's
 * first observation as `outcome code`: the shape tests compare verdicts across drivers in.
 */
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../../harness/session/engine.js';
import { loadScenarios } from '../../harness/scenario/load.js';

export async function firstObservations(engine: Engine, dir: string, fileName: string, yaml: string): Promise<Record<string, string>> {
  const file = join(dir, fileName);
  writeFileSync(file, yaml);
  const { scenarios, problems } = await loadScenarios([file]);
  expect(problems).to.deep.equal([]);
  const seen: Record<string, string> = {};
  for (const s of scenarios) {
    const [first] = (await engine.run(s, new AbortController().signal)).observations;
    seen[s.name] = `${first?.outcome} ${first?.code}`;
  }
  return seen;
}
