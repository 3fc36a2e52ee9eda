/**
 * A scenario as the file writes it, completed: the file's `defaults` merged under it, then
 * tlsgate's built-in defaults under those, and `code` made a list. Merging rules:
 * tags are concatenated (defaults first) without repeats; `server` and `client` are merged key
 * by key (shallow: a scenario's `revocation` replaces the default one whole); for every other
 * key the scenario wins. A `stacks` override is never merged with `expect`: it replaces it whole
 * on the stacks it selects (harness/verdict/stack-expectation.ts), so it says everything.
 */
import type { PkiSpec } from '../../ca/spec/spec.js';
import type { ClientEnd, Expectation, PemFileRef, Scenario, ScenarioStep, ServerEnd, StackOverride } from '../model/domain.js';
import type { DefaultsInput, ExpectationInput, ScenarioInput, StackOverrideInput, StepInput } from './schema/input.js';

export const BUILTIN_SERVER_DEFAULTS = { driver: 'node-tls', clientCert: 'none' } as const satisfies Partial<ServerEnd>;
export const BUILTIN_CLIENT_DEFAULTS = {
  driver: 'node-tls', servername: 'localhost', connect: '127.0.0.1', identityFormat: 'pem',
} as const satisfies Partial<ClientEnd>;

export interface ScenarioContext {
  /** relative to the folder that was given, `/`-separated */
  file: string;
  /** relative to the working directory, `/`-separated */
  path: string;
  pki: PkiSpec;
  pemFiles: Record<string, PemFileRef> | undefined;
  defaults: DefaultsInput;
}

/** the server end may still lack `cert` (checked after merging, see merged-checks.ts) */
export function completeScenario(input: ScenarioInput, at: { line: number; column: number }, ctx: ScenarioContext): Scenario {
  const d = ctx.defaults;
  const scenario: Scenario = {
    id: `${ctx.file}#${input.name}`,
    name: input.name,
    tags: unique([...(d.tags ?? []), ...(input.tags ?? [])]),
    file: ctx.file,
    path: ctx.path,
    line: at.line,
    column: at.column,
    pki: ctx.pki,
    server: copy({ ...BUILTIN_SERVER_DEFAULTS, ...d.server, ...input.server }) as ServerEnd,
    client: copy({ ...BUILTIN_CLIENT_DEFAULTS, ...d.client, ...input.client }) as ClientEnd,
    expect: normalizeExpectation(input.expect),
  };
  const timeoutMs = input.timeoutMs ?? d.timeoutMs;
  return withOptional(scenario, {
    description: input.description,
    pemFiles: ctx.pemFiles,
    stacks: normalizeOverrides(input.stacks),
    known: input.known?.map(copy),
    then: input.then?.map(completeStep),
    faults: input.faults?.map(copy),
    timeoutMs,
    skip: input.skip,
  });
}

/** `code: X` means `code: [X]` */
export function normalizeExpectation(input: ExpectationInput): Expectation {
  const { code, ...rest } = copy(input);
  return code === undefined ? rest : { ...rest, code: typeof code === 'string' ? [code] : code };
}

function completeStep(input: StepInput): ScenarioStep {
  const { stacks, expect, ...rest } = copy(input);
  return withOptional<ScenarioStep>({ ...rest, expect: normalizeExpectation(expect) }, { stacks: normalizeOverrides(stacks) });
}

/** an override's expectation is normalized like the default it replaces */
function normalizeOverrides(input: StackOverrideInput[] | undefined): StackOverride[] | undefined {
  return input?.map((o) => ({ when: copy(o.when), expect: normalizeExpectation(o.expect), because: o.because }));
}

const unique = (items: readonly string[]): string[] => [...new Set(items)];

/** each scenario gets its own objects: defaults are shared in the file, scenarios must not be */
const copy = <T>(value: T): T => structuredClone(value);

/** set only the keys that have a value, so a scenario never carries `key: undefined` */
function withOptional<T extends object>(target: T, optional: { [K in keyof T]?: T[K] | undefined }): T {
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  }
  return target;
}
