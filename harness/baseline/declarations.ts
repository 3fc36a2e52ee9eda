/**
 * The lookup drift uses to tell a declared stack difference from a regression: each side's
 * stack (the versions a baseline records) selects that side's expectation from the scenario's
 * `stacks`, as the judge did when the side ran. A baseline recorded on another stack (another
 * Node, OpenSSL or undici) is compared the same way, with the scenario as it is now: a `stacks`
 * entry added after recording (the README workflow's step 5) declares the difference.
 */
import type { Scenario, StackVersions } from '../model/domain.js';
import { declaredDifference } from '../verdict/declared-difference.js';
import type { DeclaredLookup } from './drift.js';
import type { Baseline, StackSummary } from './snapshot.js';

/** the judged scenario parts, by id */
export type DeclaringScenarios = ReadonlyMap<string, Pick<Scenario, 'expect' | 'stacks' | 'then'>>;

export const declaringScenarios = (scenarios: readonly Scenario[]): DeclaringScenarios => new Map(scenarios.map((s) => [s.id, s]));

/** undefined when either side's stack is not recorded (nothing can then be declared) */
export function declarationsBetween(scenarios: DeclaringScenarios, before: Baseline, after: Baseline): DeclaredLookup | undefined {
  const was = stackVersionsOf(before.stack);
  const now = stackVersionsOf(after.stack);
  if (!was || !now) return undefined;
  return (id, index, fields) => {
    const scenario = scenarios.get(id);
    return scenario ? declaredDifference(scenario, index, fields, was, now) : undefined;
  };
}

/**
 * The versions `stacks` select on, from a recorded stack (`v20.20.2`, `7.16.0 (project)`): the
 * libraries are the copies the drivers loaded (undici's, and each `matrix --package` copy), as
 * the judge saw them in each driver's clientVersion, so a `when.library` entry declares too.
 */
export function stackVersionsOf(stack: StackSummary | undefined): StackVersions | undefined {
  const v = stack?.versions;
  if (!v?.node || !v.openssl) return undefined;
  const undici = v['undici (undici driver)']?.split(' ')[0];
  const libraries = Object.fromEntries(Object.entries(v).flatMap(([key, value]) => {
    const name = key.match(/^(.+) \((?:library|undici) driver\)$/)?.[1];
    return name ? [[name, value.split(' ')[0]!]] : [];
  }));
  return {
    node: v.node.replace(/^v/, ''), openssl: v.openssl, ...(undici ? { undici } : {}),
    ...(Object.keys(libraries).length ? { libraries } : {}),
  };
}
