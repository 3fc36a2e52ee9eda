/**
 * A PKI spec on its own, for `tlsgate serve --spec FILE`: a YAML file whose `pki` section has
 * exactly the scenario format's shape (so any scenario file can be served as it is, and a file
 * holding only `pki:` works too). Problems come out like the loader's: file:line:col, path,
 * message, hint.
 */
import type { ValidateFunction } from 'ajv';
import type { PkiSpec } from '../../ca/spec.js';
import { scenarioSchemaDocument } from '../published-schemas.js';
import type { PkiInput } from './input.js';
import { Locator } from './locator.js';
import { parseYaml } from './parse-yaml.js';
import { pkiFindings, pkiSpecOf } from './pki-checks.js';
import type { Finding, ScenarioProblem } from './problems.js';
import { readSourceText } from './read-source.js';
import { compileSchema } from './schema-check.js';
import { translateSchemaErrors } from './schema-errors.js';
import { isRecord } from './yaml-path.js';

let validator: ValidateFunction | undefined;

/** the scenario schema's `pki` definition, with the rest of the file left alone */
function pkiValidator(): ValidateFunction {
  const { $schema, definitions } = scenarioSchemaDocument();
  validator ??= compileSchema({
    $schema,
    definitions,
    type: 'object',
    required: ['pki'],
    properties: { pki: { $ref: '#/definitions/pki' } },
  });
  return validator;
}

export async function loadPkiFile(file: string): Promise<{ spec?: PkiSpec; problems: ScenarioProblem[] }> {
  const source = await readSourceText(file);
  if (!source.ok) return { problems: [{ file, line: source.line, column: source.column, path: '', message: source.message, ...(source.hint ? { hint: source.hint } : {}) }] };
  const parsed = parseYaml(source.text);
  const locator = new Locator(file, parsed.doc, parsed.lines);
  if (!parsed.ok) return { problems: locator.problems(parsed.findings) };
  const findings = shapeFindings(parsed.value);
  if (findings.length === 0) findings.push(...pkiFindings(pkiSpecOf((parsed.value as { pki: PkiInput }).pki)));
  if (findings.length > 0) return { problems: locator.problems(findings) };
  return { spec: pkiSpecOf((parsed.value as { pki: PkiInput }).pki), problems: [] };
}

function shapeFindings(value: unknown): Finding[] {
  if (!isRecord(value)) return [{ path: [], message: 'a PKI spec file is a mapping with a `pki` section', hint: 'write pki: { certs: [...] } as in a scenario file' }];
  const validate = pkiValidator();
  return validate(value) ? [] : translateSchemaErrors(validate.errors ?? [], value);
}
