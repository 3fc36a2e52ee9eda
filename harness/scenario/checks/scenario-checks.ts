/**
 * Checks on the scenarios of one file that the schema cannot express: names unique within the
 * file (they make the ids), and `expect.message` (also an override's) being a regular expression that compiles.
 * Like the reference checks, these look only at values of the right type.
 */
import { finding, type Finding } from '../problems.js';
import { quote } from '../quote.js';
import { isRecord, type YamlPath } from '../yaml/yaml-path.js';

export function scenarioFindings(root: unknown, lineOf: (path: YamlPath) => number): Finding[] {
  const scenarios = isRecord(root) && Array.isArray(root.scenarios) ? root.scenarios : [];
  return [...duplicateNames(scenarios, lineOf), ...scenarios.flatMap((s, i) => messagePatterns(s, ['scenarios', i]))];
}

function duplicateNames(scenarios: readonly unknown[], lineOf: (path: YamlPath) => number): Finding[] {
  const first = new Map<string, number>();
  const findings: Finding[] = [];
  scenarios.forEach((scenario, i) => {
    const name = isRecord(scenario) ? scenario.name : undefined;
    if (typeof name !== 'string') return;
    const earlier = first.get(name);
    if (earlier === undefined) {
      first.set(name, i);
      return;
    }
    const path = ['scenarios', i, 'name'];
    findings.push(finding(path, `duplicate scenario name ${quote(name)}`, `scenarios[${earlier}] on line ${lineOf(['scenarios', earlier, 'name'])} has it too; names are unique within a file, the id is file#name`));
  });
  return findings;
}

/** `expect.message` of the scenario and of each `then` step, and of their `stacks` overrides */
function messagePatterns(scenario: unknown, path: YamlPath): Finding[] {
  if (!isRecord(scenario)) return [];
  const expectations: Array<[unknown, YamlPath]> = withOverrides(scenario, path);
  if (Array.isArray(scenario.then)) {
    scenario.then.forEach((step, k) => {
      if (isRecord(step)) expectations.push(...withOverrides(step, [...path, 'then', k]));
    });
  }
  return expectations.flatMap(([expect, at]) => {
    const pattern = isRecord(expect) ? expect.message : undefined;
    if (typeof pattern !== 'string') return [];
    const error = regexError(pattern);
    return error === undefined ? [] : [finding([...at, 'message'], `not a valid regular expression: ${error}`, 'expect.message is a regular expression (case-insensitive) tested against the error message; escape ( [ . * + ? with a backslash to match them literally')];
  });
}

function withOverrides(holder: Record<string, unknown>, path: YamlPath): Array<[unknown, YamlPath]> {
  const overrides = Array.isArray(holder.stacks) ? holder.stacks : [];
  return [[holder.expect, [...path, 'expect']], ...overrides.map((o, i): [unknown, YamlPath] => [isRecord(o) ? o.expect : undefined, [...path, 'stacks', i, 'expect']])];
}

function regexError(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
    return undefined;
  } catch (err) {
    return (err as Error).message.replace(/^Invalid regular expression: /, '');
  }
}
