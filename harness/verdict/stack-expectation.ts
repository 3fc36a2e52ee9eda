/**
 * Which expectation holds on the stack that ran a scenario, and which known upstream bug it
 * has. A `stacks` override is selected by npm semver ranges of Node, OpenSSL and undici (every
 * range given must match) and replaces `expect` whole: no field of the default leaks into it, and
 * validation makes one with the default's outcome state every field the default states, so it is
 * never looser (harness/scenario/checks/stack-checks.ts).
 */
import { createRequire } from 'node:module';
import type { Expectation, KnownRegression, StackOverride, StackSelector, StackVersions, Verdict } from '../model/domain.js';
import { STACK_COMPONENTS } from '../model/format/stack-components.js';

// loaded when a scenario first names a version range: semver is 47 modules (~40 ms), and most
// scenarios name none
let semverLib: typeof import('semver') | undefined;
const semver = () => (semverLib ??= createRequire(import.meta.url)('semver') as typeof import('semver'));

/** the expectation for this stack: the first override that matches, else the default */
export function expectationOn(defaults: Expectation, overrides: readonly StackOverride[] | undefined, stack: StackVersions): { expect: Expectation; override?: StackOverride } {
  const override = overrides?.find((o) => stackMatches(o.when, stack));
  return override ? { expect: override.expect, override } : { expect: defaults };
}

/** the first known regression of this stack */
export function knownOn(known: readonly KnownRegression[] | undefined, stack: StackVersions): KnownRegression | undefined {
  return known?.find((k) => stackMatches(k.when, stack));
}

/** every range `when` gives matches the stack's version of that part (a part it lacks never matches) */
export function stackMatches(when: StackSelector, stack: StackVersions): boolean {
  return STACK_COMPONENTS.every((part) => inRange(stack[part], when[part]))
    && Object.entries(when.library ?? {}).every(([name, range]) => inRange(stack.libraries?.[name], range));
}

function inRange(given: string | undefined, range: string | undefined): boolean {
  if (range === undefined) return true;
  const version = comparableVersion(given);
  return version !== undefined && semver().satisfies(version, range, { includePrerelease: true });
}

/**
 * The stack with the library the client driver reported running (`clientVersion`, e.g. `axios
 * 1.16.1` or `@grpc/grpc-js 1.10.0`): what `when.library` ranges are judged against.
 */
export function withClientLibrary(stack: StackVersions, clientVersion: string | undefined): StackVersions {
  const match = clientVersion?.match(/^(\S+) (\S+)$/);
  return match ? { ...stack, libraries: { ...stack.libraries, [match[1]!]: match[2]! } } : stack;
}

/**
 * A version semver can compare: Node's `20.20.2`, OpenSSL's `3.0.15+quic` (build metadata
 * dropped) and `1.1.1w` (the patch letter dropped: ranges name numbers).
 */
export function comparableVersion(version: string | undefined): string | undefined {
  if (version === undefined) return undefined;
  return semver().valid(version) ?? semver().coerce(version)?.version;
}

/** a range a selector may hold: npm semver syntax */
export const isVersionRange = (range: string): boolean => semver().validRange(range) !== null;

/** a failed verdict on a stack with a known bug still fails, and says which bug and where it is fixed */
export function citeKnown(verdict: Verdict, known: KnownRegression | undefined): Verdict {
  if (verdict.status !== 'failed' || !known) return verdict;
  const fixed = known.fixed ? `, fixed in ${known.fixed}` : ', not fixed yet';
  return { ...verdict, message: `${verdict.message} [known regression ${known.ref}${fixed}]` };
}

/** the stack as a failure message names it */
export function describeStack(stack: StackVersions): string {
  const libraries = Object.entries(stack.libraries ?? {}).filter(([name]) => name !== 'undici').map(([name, version]) => `${name} ${version}`);
  return [`node ${stack.node}`, `openssl ${stack.openssl}`, stack.undici && `undici ${stack.undici}`, ...libraries].filter(Boolean).join(', ');
}
