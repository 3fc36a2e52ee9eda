/**
 * Which scenarios an id glob or a tag names. Ids are `<file>#<name>` (`tlsgate list`): an id
 * written out matches itself exactly (names may hold glob characters such as parentheses);
 * anything else is a glob, matched by picomatch (`*` stops at `/`, `**` does not).
 */
import { createRequire } from 'node:module';
import type { Scenario } from '../model/domain.js';
import type { Selector } from './load-config.js';

export type IdMatcher = (id: string) => boolean;

/** loaded with the first glob: every `run` and `list` reaches this module, few have a config that selects */
const picomatch = (): typeof import('picomatch') => createRequire(import.meta.url)('picomatch') as typeof import('picomatch');

export function idMatcher(pattern: string): IdMatcher {
  const glob = picomatch()(pattern, { dot: true });
  return (id) => id === pattern || glob(id);
}

export function selectorMatcher(selector: Selector): (s: Pick<Scenario, 'id' | 'tags'>) => boolean {
  if (typeof selector !== 'string') return (s) => s.tags.includes(selector.tag);
  const matches = idMatcher(selector);
  return (s) => matches(s.id);
}

/** the project's include/exclude lists as one predicate; undefined when the config has neither */
export function projectSelection(include: readonly Selector[] | undefined, exclude: readonly Selector[] | undefined): ((s: Pick<Scenario, 'id' | 'tags'>) => boolean) | undefined {
  if (!include && !exclude) return undefined;
  const included = include?.map(selectorMatcher);
  const excluded = (exclude ?? []).map(selectorMatcher);
  return (s) => (included === undefined || included.some((m) => m(s))) && !excluded.some((m) => m(s));
}
