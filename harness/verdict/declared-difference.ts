/**
 * Whether a difference between two stacks is one a scenario declares. Each stack selects its own
 * expectation (`stacks` overrides, else `expect`); a difference is declared when the two stacks
 * selected different expectations and those expectations differ in every field that moved. Both
 * runs must also have passed their own expectation (the caller checks the verdicts), so a
 * declared difference is one each side was judged on, never a looser reading of either.
 */
import type { Expectation, Scenario, StackOverride, StackVersions } from '../model/domain.js';
import { expectationOn } from './stack-expectation.js';

/** a compared field of a connection: an expectation field of the same name */
export type ComparedField = 'outcome' | 'code' | 'category' | 'side' | 'protocol' | 'cipher' | 'group' | 'alpn' | 'revocationChecked';

/**
 * The `because` of each override either stack selected, when `fields` all differ between the two
 * selected expectations of connection `index` (0 = the first); undefined when the difference is
 * not declared.
 */
export function declaredDifference(
  scenario: Pick<Scenario, 'expect' | 'stacks' | 'then'>, index: number, fields: readonly ComparedField[], before: StackVersions, after: StackVersions,
): string[] | undefined {
  const step = index === 0 ? { expect: scenario.expect, stacks: scenario.stacks } : scenario.then?.[index - 1];
  if (!step || fields.length === 0) return undefined;
  const was = expectationOn(step.expect, step.stacks, before);
  const now = expectationOn(step.expect, step.stacks, after);
  if (was.override === now.override) return undefined;
  if (!fields.every((f) => differs(was.expect, now.expect, f))) return undefined;
  return [...new Set([was.override, now.override].filter((o): o is StackOverride => o !== undefined).map((o) => o.because))];
}

const differs = (a: Expectation, b: Expectation, field: ComparedField): boolean =>
  JSON.stringify(a[field] ?? null) !== JSON.stringify(b[field] ?? null);
