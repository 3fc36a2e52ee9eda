/**
 * One scenario file, from bytes to Scenarios or to every problem it has. The checks run in
 * order of trust: text, YAML, shape (schema), then what the schema cannot say (references,
 * PEM files, unique names, the PKI's consistency). All of these report together, so one run of
 * `tlsgate validate` shows everything; scenarios are built only from a file with no problems.
 */
import { isModulePath } from '../model/module-path.js';
import type { PemFileRef, Scenario } from '../model/domain.js';
import { pathFrom } from '../model/paths.js';
import { completeScenario, type ScenarioContext } from './defaults.js';
import type { ScenarioFileRef } from './find-files.js';
import type { ScenarioFileInput } from './schema/input.js';
import { Locator } from './yaml/locator.js';
import { mergedFindings } from './checks/merged-checks.js';
import { libraryFindings } from './checks/library-checks.js';
import { parseYaml } from './yaml/parse-yaml.js';
import type { FileRead, PemFilesResult } from './checks/pem-files.js';
import { generatedPart, pkiFindings, pkiSpecOf } from './checks/pki-checks.js';
import type { Finding, ScenarioProblem } from './problems.js';
import { sourceTextOf, type SourceBytes } from './yaml/read-source.js';
import { knownCerts, referenceFindings, type KnownCerts } from './checks/references.js';
import { scenarioFindings } from './checks/scenario-checks.js';
import { stackFindings } from './checks/stack-checks.js';
import { schemaFindings } from './schema/schema-check.js';
import { isRecord } from './yaml/yaml-path.js';
import { resolveToolFlagPaths } from './tool-flag-paths.js';

export interface FileResult {
  scenarios: Scenario[];
  problems: ScenarioProblem[];
}

/** a result, and what else it was made from besides the file's own bytes */
export interface CheckedFile extends FileResult {
  /** the other files read (pki.files), with the bytes checked */
  reads: FileRead[];
  /** a driver module was imported to check it: user code, which no file hash covers */
  importedUserCode: boolean;
}

/** the file's bytes, as read (readSourceBytes), to Scenarios or to every problem */
export async function checkScenarioFile(ref: ScenarioFileRef, read: SourceBytes): Promise<CheckedFile> {
  const nothingElse = { reads: [], importedUserCode: false };
  const source = sourceTextOf(read);
  if (!source.ok) {
    const { line, column, message } = source;
    return { scenarios: [], problems: [{ file: ref.shown, line, column, path: '', message, ...(source.hint ? { hint: source.hint } : {}) }], ...nothingElse };
  }
  const parsed = parseYaml(source.text);
  const locator = new Locator(ref.shown, parsed.doc, parsed.lines);
  if (!parsed.ok) return { scenarios: [], problems: locator.problems(parsed.findings), ...nothingElse };

  const root = parsed.value;
  const notAMapping = topLevelFinding(root);
  if (notAMapping) return { scenarios: [], problems: locator.problems([notAMapping]), ...nothingElse };

  const written = knownCerts(root);
  const pem = await pemFilesOf(root, ref.absolute, written);
  // the certificates the files really hold: a bundle's `<id>#n`, no CRL-only entry
  const known: KnownCerts = { generated: written.generated, files: pem.certIds, unread: pem.unread, facts: pem.facts };
  const findings = [...documentFindings(root, known, locator), ...pem.findings];
  const made = { reads: pem.reads, importedUserCode: false };
  if (findings.length > 0) return { scenarios: [], problems: locator.problems(findings), ...made };
  const input = root as ScenarioFileInput;
  const built = buildScenarios(input, ref, input.pki?.files ? pem.files : undefined, locator);
  resolveToolFlagPaths(built.scenarios, ref.absolute);
  if (!usesDriverModules(built.scenarios)) return { ...built, ...made };
  return { ...await withDriverModules(built, input, ref, locator), ...made, importedUserCode: true };
}

/**
 * `pki.files` checked, when the file has them: the X.509 and CRL parsers are imported only then,
 * so loading the built-in catalogue (`tlsgate list`, `validate`) stays cheap
 */
async function pemFilesOf(root: unknown, file: string, written: KnownCerts): Promise<PemFilesResult> {
  const pki = isRecord(root) && isRecord(root.pki) ? root.pki : undefined;
  if (!pki || !isRecord(pki.files)) return { files: {}, certIds: new Set(), unread: new Set(), facts: new Map(), findings: [], reads: [] };
  const { checkPemFiles } = await import('./checks/pem-files.js');
  return checkPemFiles(root, file, written);
}

/** everything but the PEM files (which need the disk) */
function documentFindings(root: unknown, known: KnownCerts, locator: Locator): Finding[] {
  const shape = schemaFindings(root);
  const findings = [
    ...shape,
    ...referenceFindings(root, known),
    ...scenarioFindings(root, (path) => locator.position(path).line),
    ...stackFindings(root),
  ];
  if (!shape.some((f) => f.path[0] === 'pki')) findings.push(...pkiFindings(generatedPart(pkiSpecOf((root as ScenarioFileInput).pki), known.files), known.files));
  return findings;
}

function buildScenarios(input: ScenarioFileInput, ref: ScenarioFileRef, pemFiles: Record<string, PemFileRef> | undefined, locator: Locator): FileResult {
  const context: ScenarioContext = { file: ref.relative, path: pathFrom(ref.absolute), pki: pkiSpecOf(input.pki), pemFiles, defaults: input.defaults ?? {} };
  const scenarios: Scenario[] = [];
  const findings: Finding[] = [];
  input.scenarios.forEach((scenarioInput, i) => {
    const scenario = completeScenario(scenarioInput, locator.position(['scenarios', i, 'name'], 'key'), context);
    findings.push(...mergedFindings(scenario, scenarioInput, i, pemFiles), ...libraryFindings(scenario, scenarioInput, i));
    scenarios.push(scenario);
  });
  return findings.length > 0 ? { scenarios: [], problems: locator.problems(findings) } : { scenarios, problems: [] };
}

const usesDriverModules = (scenarios: readonly Scenario[]): boolean =>
  scenarios.some((s) => isModulePath(s.client.driver) || isModulePath(s.server.driver));

/** driver module paths resolved from the YAML file, and the modules checked (see driver-modules.ts) */
async function withDriverModules(built: FileResult, input: ScenarioFileInput, ref: ScenarioFileRef, locator: Locator): Promise<FileResult> {
  const { driverModuleFindings, resolveDriverModules } = await import('./driver-modules.js');
  resolveDriverModules(built.scenarios, ref.absolute);
  const findings = await driverModuleFindings(built.scenarios, input.scenarios);
  return findings.length > 0 ? { scenarios: [], problems: locator.problems(findings) } : built;
}

function topLevelFinding(root: unknown): Finding | undefined {
  const hint = 'a scenario file is a mapping with pki, defaults and scenarios; see the files in scenarios/ for examples';
  if (root === null || root === undefined) return { path: [], message: 'file is empty', hint };
  if (!isRecord(root)) return { path: [], message: `the top level must be a mapping, not ${Array.isArray(root) ? 'a list' : 'a single value'}`, hint };
  return undefined;
}
