/**
 * Reading the project config found in the working directory (find-config.ts). The file goes
 * through the scenario loader's machinery (bounded text, YAML with positions, the schema,
 * findings at file:line), so a bad config reads like a bad scenario file and nothing runs.
 */
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { ValidateFunction } from 'ajv';
import picomatch from 'picomatch';
import semver from 'semver';
import { pathFrom } from '../model/paths.js';
import type { Finding, ScenarioProblem } from '../scenario/problems.js';
import { translateSchemaErrors } from '../scenario/schema/schema-errors.js';
import { Locator } from '../scenario/yaml/locator.js';
import { parseYaml } from '../scenario/yaml/parse-yaml.js';
import { readSourceText } from '../scenario/yaml/read-source.js';
import type { YamlPath } from '../scenario/yaml/yaml-path.js';
import { findConfig, PACKAGE_KEY, type ConfigCandidate } from './find-config.js';
import type { AcceptanceInput, ProjectConfigInput, SelectorInput } from './config-format.js';
import type { LintConfigInput } from './lint-format.js';

/** an id glob or a tag, as `include`/`exclude` list them */
export type Selector = SelectorInput;

export type Expiry = { date: string } | { node: string };

/** one `accept` entry, with where it is written */
export interface Acceptance {
  scenario: string;
  reason: string;
  expires: Expiry;
  /** `tlsgate.config.yaml:12` */
  source: string;
}

export interface ProjectConfig {
  /** the file as shown to the user: `tlsgate.config.yaml`, or `package.json ("tlsgate" key)` */
  source: string;
  /** scenario paths, from the working directory */
  paths?: string[];
  include?: Selector[];
  exclude?: Selector[];
  reporters?: string[];
  /** from the working directory */
  baseline?: string;
  certs?: string;
  accept: Acceptance[];
  /** `tlsgate lint`'s defaults and workload classes, as written */
  lint?: LintConfigInput;
}

export type ConfigLoad =
  | { found: false }
  | { found: true; config: ProjectConfig }
  | { found: true; problems: ScenarioProblem[] };

export async function loadProjectConfig(cwd = process.cwd()): Promise<ConfigLoad> {
  const candidate = await findConfig(cwd);
  if (!candidate) return { found: false };
  return readConfig(candidate, cwd);
}

/** the config findConfig found, checked */
export async function readConfig(candidate: ConfigCandidate, cwd = process.cwd()): Promise<Exclude<ConfigLoad, { found: false }>> {
  const shown = pathFrom(candidate.file, cwd);
  const source = await readSourceText(candidate.file);
  if (!source.ok) {
    const { line, column, message } = source;
    return { found: true, problems: [{ file: shown, line, column, path: '', message, ...(source.hint ? { hint: source.hint } : {}) }] };
  }
  const parsed = parseYaml(source.text);
  const locator = new Locator(shown, parsed.doc, parsed.lines);
  if (!parsed.ok) return { found: true, problems: locator.problems(parsed.findings) };
  const value = candidate.at.length ? (parsed.value as Record<string, unknown>)[PACKAGE_KEY] : parsed.value ?? {};
  const findings = configFindings(await configValidator(), value, candidate.file, cwd).map((f) => ({ ...f, path: [...candidate.at, ...f.path] }));
  if (findings.length > 0) return { found: true, problems: locator.problems(findings) };
  const input = value as ProjectConfigInput;
  const label = candidate.at.length ? `${shown} ("${PACKAGE_KEY}" key)` : shown;
  return { found: true, config: projectConfig(input, { label, shown, dir: resolve(candidate.file, '..'), cwd, line: (path) => locator.position([...candidate.at, ...path]).line }) };
}

let validator: ValidateFunction | undefined;

/** compiled on first use: a directory without a config loads neither TypeBox nor ajv */
async function configValidator(): Promise<ValidateFunction> {
  if (validator) return validator;
  const [{ compileSchema }, { configSchemaDocument }] = await Promise.all([import('../scenario/schema/schema-compile.js'), import('./config-format.js')]);
  validator ??= compileSchema(configSchemaDocument());
  return validator;
}

/** the schema first; then what it cannot say (real dates, semver ranges, globs, paths on disk) */
function configFindings(validator: ValidateFunction, value: unknown, file: string, cwd: string): Finding[] {
  if (!validator(value)) return translateSchemaErrors(validator.errors ?? [], value);
  const input = value as ProjectConfigInput;
  const dir = resolve(file, '..');
  return [
    ...(input.paths ?? []).flatMap((p, i) => (existsSync(resolve(dir, p))
      ? []
      : [{ path: ['paths', i], message: `no such file or folder: ${p} (from ${pathFrom(resolve(dir, p), cwd)})`, hint: 'paths are relative to the config file' }])),
    ...selectorFindings(input.include ?? [], 'include'),
    ...selectorFindings(input.exclude ?? [], 'exclude'),
    ...(input.accept ?? []).flatMap((a, i) => acceptanceFindings(a, ['accept', i])),
    ...(input.lint?.classes ?? []).flatMap((c, i) => Object.entries(c.match).flatMap(([key, globs]) =>
      [globs].flat().flatMap((g: string, j: number) => globFindings(g, ['lint', 'classes', i, 'match', key, ...(Array.isArray(globs) ? [j] : [])])))),
  ];
}

function selectorFindings(selectors: readonly Selector[], key: string): Finding[] {
  return selectors.flatMap((s, i) => (typeof s === 'string' ? globFindings(s, [key, i]) : []));
}

function acceptanceFindings(a: AcceptanceInput, at: YamlPath): Finding[] {
  const findings = globFindings(a.scenario, [...at, 'scenario']);
  const expires = a.expires;
  if (typeof expires === 'string' && !isRealDate(expires)) {
    findings.push({ path: [...at, 'expires'], message: `'${expires}' is not a date`, hint: 'write a real day as YYYY-MM-DD, e.g. 2026-06-30' });
  }
  if (typeof expires !== 'string' && semver.validRange(expires.node) === null) {
    findings.push({ path: [...at, 'expires', 'node'], message: `'${expires.node}' is not a semver range`, hint: 'e.g. ">=24 <25", "^24.3.0" or "24.x" (npm semver syntax)' });
  }
  return findings;
}

function globFindings(glob: string, path: YamlPath): Finding[] {
  try {
    picomatch.makeRe(glob, { strictBrackets: true });
    return [];
  } catch (err) {
    return [{ path, message: `'${glob}' is not a valid glob: ${(err as Error).message}`, hint: 'a scenario id (`tlsgate list`) or a glob like `chain/*` or `**/legacy*`' }];
  }
}

/** `2026-02-30` matches the pattern but is no day */
function isRealDate(text: string): boolean {
  const day = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === text;
}

interface Origin {
  label: string;
  shown: string;
  dir: string;
  cwd: string;
  /** the line of a path inside the config */
  line: (path: YamlPath) => number;
}

function projectConfig(input: ProjectConfigInput, origin: Origin): ProjectConfig {
  const fromCwd = (p: string): string => relative(origin.cwd, resolve(origin.dir, p)) || '.';
  return {
    source: origin.label,
    ...(input.paths ? { paths: input.paths.map(fromCwd) } : {}),
    ...(input.include ? { include: input.include } : {}),
    ...(input.exclude ? { exclude: input.exclude } : {}),
    ...(input.reporters ? { reporters: input.reporters } : {}),
    ...(input.baseline !== undefined ? { baseline: fromCwd(input.baseline) } : {}),
    ...(input.certs !== undefined ? { certs: resolve(origin.dir, input.certs) } : {}),
    ...(input.lint !== undefined ? { lint: input.lint } : {}),
    accept: (input.accept ?? []).map((a, i) => ({
      scenario: a.scenario,
      reason: a.reason,
      expires: typeof a.expires === 'string' ? { date: a.expires } : { node: a.expires.node },
      source: `${origin.shown}:${origin.line(['accept', i])}`,
    })),
  };
}
