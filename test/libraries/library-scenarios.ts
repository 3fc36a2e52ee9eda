/** The protocol libraries' scenario files, loaded as the tests need them. */
import { expect } from 'chai';
import { join } from 'node:path';
import type { Scenario } from '../../harness/model/domain.js';
import { builtinScenariosDir } from '../../harness/model/paths.js';
import { loadScenarios } from '../../harness/scenario/load.js';

export const PROTOCOL_LIBRARIES = ['pg', 'mysql2', 'ioredis', 'nodemailer'] as const;

export async function libraryScenarios(library: string): Promise<Scenario[]> {
  const { scenarios, problems } = await loadScenarios([join(builtinScenariosDir(), 'libraries', `${library}.yaml`)]);
  expect(problems).to.deep.equal([]);
  return scenarios;
}
