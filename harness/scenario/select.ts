/**
 * Which scenarios a run takes: `--grep`, `--tag` and `--shard`. Always in catalogue order
 * (file, then line, then column), so a listing, a run and its shards agree on the order.
 */
import { UsageError } from '../model/errors.js';
import type { Scenario } from '../model/domain.js';
import { catalogueOrder } from '../model/catalogue-order.js';

export interface Shard {
  /** 1-based */
  index: number;
  count: number;
}

export interface SelectionCriteria {
  /** a regular expression (case-sensitive) tested against the id and the name */
  grep?: string | undefined;
  /** a scenario must carry every tag given (each --tag narrows the selection, like --grep does) */
  tags?: readonly string[] | undefined;
  shard?: Shard | undefined;
}


export function selectScenarios(scenarios: readonly Scenario[], criteria: SelectionCriteria = {}): Scenario[] {
  const grep = criteria.grep === undefined ? undefined : grepPattern(criteria.grep);
  const tags = criteria.tags ?? [];
  const matching = scenarios
    .filter((s) => !grep || grep.test(s.id) || grep.test(s.name))
    .filter((s) => tags.every((t) => s.tags.includes(t)))
    .sort(catalogueOrder);
  const shard = criteria.shard;
  // round-robin: k-th scenario to shard (k mod n) + 1, so slow neighbours spread over shards
  return shard ? matching.filter((_, k) => k % shard.count === shard.index - 1) : matching;
}

function grepPattern(text: string): RegExp {
  try {
    return new RegExp(text);
  } catch (err) {
    throw new UsageError(`--grep ${JSON.stringify(text)} is not a valid regular expression: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
}

/** `i/n` with whole numbers 1 <= i <= n; throws an Error saying what is wrong */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) throw new Error(`expected i/n with whole numbers, e.g. 2/4 (slice 2 of 4); got ${JSON.stringify(text)}`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(count)) throw new Error(`${text.trim()} has numbers too large to be a shard`);
  if (count < 1) throw new Error('the number of shards (n in i/n) must be at least 1');
  if (index < 1 || index > count) throw new Error(`the shard index (i in i/n) must be between 1 and ${count}; got ${index}`);
  return { index, count };
}
