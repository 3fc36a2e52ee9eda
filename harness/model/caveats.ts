/**
 * What a scenario does not prove, said beside its result: a scenario whose client skips a check
 * passes more easily, and a reader of the report must see that it vouches for less.
 */
import type { Scenario, ScenarioResult } from './domain.js';

export const NO_NAME_CHECK = 'proves less: no name check (client.checkName: false, like a client that replaces checkServerIdentity); a certificate for any host would pass';

/** the caveats of a scenario: a connection of it checks less than a default client does */
export function caveatsOf(s: Pick<Scenario, 'client'>): string[] {
  return s.client.checkName === false ? [NO_NAME_CHECK] : [];
}

/** the scenario as its result names it, with its caveats when it has any */
export function scenarioRef(s: Scenario): ScenarioResult['scenario'] {
  const caveats = caveatsOf(s);
  return { id: s.id, name: s.name, file: s.file, path: s.path, line: s.line, column: s.column, tags: s.tags, ...(caveats.length > 0 ? { caveats } : {}) };
}
