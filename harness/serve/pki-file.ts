/**
 * A PKI spec on its own, for `tlsgate serve --spec FILE`: a YAML file whose `pki` section has
 * exactly the scenario format's shape (so any scenario file can be served as it is, and a file
 * holding only `pki:` works too). Problems come out like the loader's: file:line:col, path,
 * message, hint. A top-level `faults:` list (the scenario format's fault entries) is what
 * `serve` injects; the faults of the file's scenarios are returned too, by scenario name, so
 * serve can say how to apply them instead of ignoring them.
 */
import type { ValidateFunction } from 'ajv';
import type { PkiSpec } from '../../ca/spec/spec.js';
import { scenarioSchemaDocument } from '../scenario/schema/scenario-schema.js';
import type { FaultSpec } from '../model/domain.js';
import { faultFindings } from './faults.js';
import type { PkiInput } from '../scenario/schema/input.js';
import { Locator } from '../scenario/yaml/locator.js';
import { parseYaml } from '../scenario/yaml/parse-yaml.js';
import { pkiFindings, pkiSpecOf } from '../scenario/checks/pki-checks.js';
import type { Finding, ScenarioProblem } from '../scenario/problems.js';
import { readSourceText } from '../scenario/yaml/read-source.js';
import { compileSchema } from '../scenario/schema/schema-compile.js';
import { translateSchemaErrors } from '../scenario/schema/schema-errors.js';
import { isRecord } from '../scenario/yaml/yaml-path.js';

let validator: ValidateFunction | undefined;

/** the scenario schema's `pki` definition, with the rest of the file left alone */
function pkiValidator(): ValidateFunction {
  const { $schema, definitions } = scenarioSchemaDocument();
  validator ??= compileSchema({
    $schema,
    definitions,
    type: 'object',
    required: ['pki'],
    properties: { pki: { $ref: '#/definitions/pki' }, faults: { type: 'array', items: { $ref: '#/definitions/faultSpec' } } },
  });
  return validator;
}

export interface PkiFile {
  spec?: PkiSpec;
  /** the top-level `faults:` list */
  faults: FaultSpec[];
  /** faults of the file's scenarios, which serve does not inject (it runs no scenario) */
  scenarioFaults: Array<{ scenario: string; faults: FaultSpec[] }>;
  problems: ScenarioProblem[];
}

export async function loadPkiFile(file: string): Promise<PkiFile> {
  const none = { faults: [], scenarioFaults: [] };
  const source = await readSourceText(file);
  if (!source.ok) return { ...none, problems: [{ file, line: source.line, column: source.column, path: '', message: source.message, ...(source.hint ? { hint: source.hint } : {}) }] };
  const parsed = parseYaml(source.text);
  const locator = new Locator(file, parsed.doc, parsed.lines);
  if (!parsed.ok) return { ...none, problems: locator.problems(parsed.findings) };
  const findings = shapeFindings(parsed.value);
  const value = parsed.value as { pki: PkiInput; faults?: FaultSpec[]; scenarios?: unknown };
  if (findings.length === 0) findings.push(...pkiFindings(pkiSpecOf(value.pki)));
  if (findings.length === 0) (value.faults ?? []).forEach((f, i) => findings.push(...faultFindings(f, pkiSpecOf(value.pki), ['faults', i])));
  if (findings.length > 0) return { ...none, problems: locator.problems(findings) };
  return { spec: pkiSpecOf(value.pki), faults: value.faults ?? [], scenarioFaults: scenarioFaultsOf(value.scenarios), problems: [] };
}

/** each scenario's `faults:` that look like fault entries, by name (the scenario loader checks them) */
function scenarioFaultsOf(scenarios: unknown): PkiFile['scenarioFaults'] {
  if (!Array.isArray(scenarios)) return [];
  return scenarios.flatMap((s, i) => {
    if (!isRecord(s) || !Array.isArray(s.faults) || s.faults.length === 0) return [];
    return [{ scenario: typeof s.name === 'string' ? s.name : `scenarios[${i}]`, faults: s.faults.filter(isRecord) as unknown as FaultSpec[] }];
  });
}

function shapeFindings(value: unknown): Finding[] {
  if (!isRecord(value)) return [{ path: [], message: 'a PKI spec file is a mapping with a `pki` section', hint: 'write pki: { certs: [...] } as in a scenario file' }];
  const validate = pkiValidator();
  return validate(value) ? [] : translateSchemaErrors(validate.errors ?? [], value);
}
