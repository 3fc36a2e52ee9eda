/**
 * Faults for `tlsgate serve`: the scenario format's `faults:` entries (same kinds, same schema
 * definition, same checks), given as `--fault` on the command line or as a top-level `faults:`
 * list in the `--spec` file. The command-line form is one that a shell user can type:
 *
 *   SERVER:ca=ID:kind=KIND[:NAME=VALUE...]     e.g. ocsp:ca=intermediate:kind=hang
 *   SERVER:cert=ID:kind=KIND[:NAME=VALUE...]   e.g. crl:ca=root:kind=http-status:status=503
 *
 * or the YAML/JSON flow mapping a scenario file would hold, e.g.
 * `{ server: ocsp, cert: good-server, fault: { kind: delay, ms: 3000 } }`.
 */
import { readFileSync } from 'node:fs';
import type { ValidateFunction } from 'ajv';
import { parse as parseYaml } from 'yaml';
import type { PkiSpec } from '../../ca/spec/spec.js';
import type { FaultSpec } from '../model/domain.js';
import { schemaPath } from '../model/paths.js';
import { finding, type Finding } from '../scenario/problems.js';
import { quote } from '../scenario/quote.js';
import { compileSchema } from '../scenario/schema/schema-compile.js';
import { translateSchemaErrors } from '../scenario/schema/schema-errors.js';
import { didYouMean, listForHint } from '../scenario/checks/suggest.js';
import { formatPath, type YamlPath } from '../scenario/yaml/yaml-path.js';

export const FAULT_SYNTAX = 'SERVER:ca=ID:kind=KIND[:NAME=VALUE...] or SERVER:cert=ID:..., e.g. ocsp:ca=intermediate:kind=hang, crl:ca=root:kind=http-status:status=503, ocsp:cert=good-server:kind=delay:ms=3000';

let validator: ValidateFunction | undefined;

/** the scenario schema's `faultSpec` definition: one fault, checked as a scenario's would be */
function faultSpecValidator(): ValidateFunction {
  const schema = JSON.parse(readFileSync(schemaPath(), 'utf8')) as { $schema?: string; definitions: object };
  validator ??= compileSchema({ $schema: schema.$schema, definitions: schema.definitions, type: 'object', required: ['fault'], properties: { fault: { $ref: '#/definitions/faultSpec' } } });
  return validator;
}

/** `--fault` values to FaultSpecs; each problem a line naming the value, with a hint */
export function parseFaultArgs(values: readonly string[], pki: PkiSpec): { faults: FaultSpec[]; problems: string[] } {
  const faults: FaultSpec[] = [];
  const problems: string[] = [];
  for (const text of values) {
    const value = faultValue(text);
    if (typeof value === 'string') {
      problems.push(`--fault ${quote(text)}: ${value} (write ${FAULT_SYNTAX})`);
      continue;
    }
    const findings = faultFindings(value, pki);
    if (findings.length) problems.push(...findings.map((f) => `--fault ${quote(text)}: ${describeFinding(f)}`));
    else faults.push(value as unknown as FaultSpec);
  }
  return { faults, problems };
}

/** what is wrong with one fault entry: its shape (the schema), then its certificate ids */
export function faultFindings(value: unknown, pki: PkiSpec, at: YamlPath = []): Finding[] {
  const validate = faultSpecValidator();
  if (!validate({ fault: value })) {
    return translateSchemaErrors(validate.errors ?? [], { fault: value }).map((f) => ({ ...f, path: [...at, ...f.path.slice(1)] }));
  }
  return referenceFindings(value as unknown as FaultSpec, pki, at);
}

/** `ca` names a CA of the PKI (only CAs are asked about), `cert` a certificate it issued */
function referenceFindings(f: FaultSpec, pki: PkiSpec, at: YamlPath): Finding[] {
  const ids = pki.certs.map((c) => c.id);
  const cas = pki.certs.filter((c) => pki.certs.some((o) => o.issuer === c.id && o.id !== c.id)).map((c) => c.id);
  if (f.ca !== undefined && !cas.includes(f.ca)) {
    const hint = ids.includes(f.ca) ? `'${f.ca}' issues no certificate, so nobody asks about it; write cert=${f.ca} for requests about it` : `${didYouMean(f.ca, cas)}CAs: ${listForHint(cas)}`;
    return [finding([...at, 'ca'], `${quote(f.ca)} is not a CA of this PKI`, hint)];
  }
  const issued = pki.certs.filter((c) => c.issuer !== undefined && c.issuer !== c.id).map((c) => c.id);
  if (f.cert !== undefined && !issued.includes(f.cert)) {
    return [finding([...at, 'cert'], `unknown certificate ${quote(f.cert)}`, `${didYouMean(f.cert, issued)}certificates a CA of this PKI issued: ${listForHint(issued)}`)];
  }
  return [];
}

/** the value a `--fault` text stands for, or why it is none */
function faultValue(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      return parseYaml(trimmed) as unknown;
    } catch (err) {
      return `not a YAML/JSON mapping: ${(err as Error).message.split('\n')[0]}`;
    }
  }
  const [server, ...pairs] = trimmed.split(':');
  if (!server || pairs.length === 0) return 'expected SERVER:ca=ID:kind=KIND';
  const spec: Record<string, unknown> = { server };
  const fault: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return `${quote(pair)} is not NAME=VALUE`;
    const [name, raw] = [pair.slice(0, eq), pair.slice(eq + 1)];
    const target = name === 'ca' || name === 'cert' ? spec : fault;
    if (name in target) return `${name} is given twice`;
    target[name] = /^\d+$/.test(raw) ? Number(raw) : raw;
  }
  return { ...spec, fault };
}

/** the `--fault` text that sets `f` (what serve prints for a scenario's faults) */
export function faultArg(f: FaultSpec): string {
  const scope = f.ca !== undefined ? `ca=${f.ca}` : `cert=${f.cert!}`;
  const params = Object.entries(f.fault).filter(([k]) => k !== 'kind').map(([k, v]) => `:${k}=${String(v)}`).join('');
  return `${f.server}:${scope}:kind=${f.fault.kind}${params}`;
}

const describeFinding = (f: Finding): string => {
  const path = formatPath(f.path);
  return `${path ? `${path}: ` : ''}${f.message}${f.hint ? ` (${f.hint})` : ''}`;
};
