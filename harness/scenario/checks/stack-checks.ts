/**
 * Checks on `stacks` overrides and `known` regressions that the schema cannot express: every
 * version range parses (npm semver syntax), a `fixed` version is a version, and an override is
 * as exact as the default it replaces: it states every field `expect` states (with the value on
 * its stacks) when it keeps the default's outcome, so no override passes a run by leaving a check out. Like the other checks, these
 * look only at values of the right type; the schema reports the rest (a missing `because`...).
 */
import semver from 'semver';
import { STACK_COMPONENTS } from '../../model/format/stack-components.js';
import { LIBRARY_CLIENTS } from '../../drivers/library/library-catalogue.js';
import { finding, type Finding } from '../problems.js';
import { quote } from '../quote.js';
import { isRecord, type YamlPath } from '../yaml/yaml-path.js';

const RANGE_HINT = 'write an npm semver range of the version, e.g. ">=22", ">=3.2 <3.5", "^20.11 || >=22" (see https://github.com/npm/node-semver#ranges)';

export function stackFindings(root: unknown): Finding[] {
  const scenarios = isRecord(root) && Array.isArray(root.scenarios) ? root.scenarios : [];
  return scenarios.flatMap((scenario, i) => (isRecord(scenario) ? scenarioStackFindings(scenario, ['scenarios', i]) : []));
}

function scenarioStackFindings(scenario: Record<string, unknown>, path: YamlPath): Finding[] {
  const findings = [...overrideFindings(scenario, path), ...listOf(scenario.known).flatMap((k, i) => knownFindings(k, [...path, 'known', i]))];
  listOf(scenario.then).forEach((step, k) => {
    if (isRecord(step)) findings.push(...overrideFindings(step, [...path, 'then', k]));
  });
  return findings;
}

/** the `stacks` beside one `expect` */
function overrideFindings(holder: Record<string, unknown>, path: YamlPath): Finding[] {
  return listOf(holder.stacks).flatMap((override, i) => {
    if (!isRecord(override)) return [];
    const at = [...path, 'stacks', i];
    return [...selectorFindings(override.when, [...at, 'when']), ...exactnessFindings(holder.expect, override.expect, [...at, 'expect'])];
  });
}

function knownFindings(known: unknown, path: YamlPath): Finding[] {
  if (!isRecord(known)) return [];
  const findings = selectorFindings(known.when, [...path, 'when']);
  if (typeof known.fixed === 'string' && semver.coerce(known.fixed) === null) {
    findings.push(finding([...path, 'fixed'], `${quote(known.fixed)} is not a version`, 'write the first release with the fix, e.g. 22.24.0, or leave `fixed` out while there is none'));
  }
  return findings;
}

function selectorFindings(when: unknown, path: YamlPath): Finding[] {
  if (!isRecord(when)) return [];
  const findings = STACK_COMPONENTS.flatMap((part) => rangeFindings(when[part], part, [...path, part]));
  if (!isRecord(when.library)) return findings;
  for (const [name, range] of Object.entries(when.library)) {
    const at = [...path, 'library', name];
    if (!DRIVEN_PACKAGES.has(name)) findings.push(finding(at, `no client driver runs a package named ${quote(name)}`, `name the npm package of a library driver: ${[...DRIVEN_PACKAGES].sort().join(', ')}`));
    else findings.push(...rangeFindings(range, name, at));
  }
  return findings;
}

function rangeFindings(range: unknown, what: string, at: YamlPath): Finding[] {
  if (typeof range !== 'string' || semver.validRange(range) !== null) return [];
  return [finding(at, `${quote(range)} is not a version range of ${what}`, RANGE_HINT)];
}

/** the npm packages whose version a driver reports: every library driver's, and undici */
const DRIVEN_PACKAGES = new Set(['undici', ...[...LIBRARY_CLIENTS.values()].map((d) => d.packageName)]);

/**
 * An override with the default's outcome names every field the default names: it may change a
 * value, never drop a check. One with the other outcome states a different result, whose details
 * (a refusal's category, an acceptance's protocol) do not carry over; its outcome is required.
 */
function exactnessFindings(defaults: unknown, override: unknown, path: YamlPath): Finding[] {
  if (!isRecord(defaults) || !isRecord(override) || defaults.outcome !== override.outcome) return [];
  const dropped = Object.keys(defaults).filter((field) => !Object.hasOwn(override, field));
  if (dropped.length === 0) return [];
  return [finding(path, `this override leaves out ${dropped.map((f) => quote(f)).join(', ')}, which expect states`,
    'an override replaces expect whole and is as exact as it: state each of these fields with the value this stack gives (a failing run prints what it got)')];
}

const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
