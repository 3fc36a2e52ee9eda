/**
 * `tlsgate matrix --node 18,20,22`: the suite under each Node, side by side, with the drift
 * between consecutive runtimes (and against --baseline). Exit codes: 0 every scenario passed on
 * every runtime and no drift fails the gate, 1 otherwise, 2 bad input (an unknown Node, an
 * unreachable registry, a bad baseline), 130 interrupted.
 */
import { availableParallelism } from 'node:os';
import { PUBLIC_FILE, writeFileAtomic } from '../../../ca/issue/atomic-file.js';
import { readBaseline } from '../../baseline/baseline-file.js';
import { declaringScenarios } from '../../baseline/declarations.js';
import { driftPolicy } from '../../baseline/policy.js';
import { thisNode } from '../../drivers/remote/remote-placement.js';
import { makeInventoryProbes } from '../../inventory/probes.js';
import { defaultNodeCache } from '../../matrix/node-cache.js';
import { parseNodeRequests } from '../../matrix/node-request.js';
import { resolveNodes, type ResolvedNode } from '../../matrix/node-resolve.js';
import { join } from 'node:path';
import { UsageError } from '../../model/errors.js';
import { renderMatrixPage } from '../../matrix/html.js';
import { HTML_REPORT_FILE } from '../../reporters/html.js';
import { failingRuns, fatalCount, matrixJson, matrixReport, renderMatrixMarkdown, renderMatrixText } from '../../matrix/report.js';
import { runMatrix, type MatrixRuntime } from '../../matrix/run-matrix.js';
import { checkOutputPaths, type OutputPath } from '../../run/output-paths.js';
import { describeInternalError } from '../../run/runner.js';
import { pruneCacheAfterRun } from '../cache-upkeep.js';
import { EXIT, reportContainedErrors } from '../exit.js';
import { trapInterrupts } from '../interrupt.js';
import { defaultScenarioPaths, loadSelection, type Filters } from '../selection.js';
import { projectConfig, projectKeep } from '../project-config.js';
import type { ProjectConfig } from '../../config/load-config.js';
import { defaultCacheDir, defaultCertsDir } from '../../model/paths.js';
import type { ScenarioResult } from '../../model/domain.js';
import { AuditLog } from '../../run/audit-log.js';

export interface MatrixArgs extends Filters {
  /** as given; none: the project config's, else the default ones */
  paths: string[];
  /** --node values: majors, exact versions, paths (comma lists) */
  node: string[];
  /** --package NAME@V1,V2: one runtime per version of that library (this Node), its scenarios only */
  package?: string;
  nodeCache?: string;
  /** --certs (or $TLSGATE_CERTS); absent: the project config's, else the default */
  certsDir?: string;
  /** say which project config was used */
  verbose?: boolean;
  timeoutMs: number;
  /** scenarios in flight; default: CPU count x runtimes (up to 3), as each waits on every runtime */
  concurrency?: number;
  baseline?: string;
  failOn: string[];
  ignore: string[];
  driftMarkdown?: string;
  json?: string;
  /** a folder: the page goes in DIR/index.html */
  html?: string;
  /** show every scenario in the console table, not only the ones that differ */
  all: boolean;
  /** --audit FILE: what the mock CA did, as JSON Lines (one PKI per scenario and runtime) */
  audit?: string;
}

export async function matrixCommand(given: MatrixArgs): Promise<number> {
  const config = await projectConfig(given.verbose ?? false);
  const args = withConfig(given, config);
  const policy = driftPolicy(args.failOn, args.ignore);
  checkOutputPaths(matrixOutputPaths(args));
  if (args.package !== undefined && args.node.length > 0) throw new UsageError('give --node or --package, not both (a package matrix runs on this Node)');
  if (args.package === undefined && args.node.length === 0) throw new UsageError('give --node 18,20,... (Node runtimes) or --package NAME@V1,V2 (versions of a library)');
  const baseline = args.baseline ? { file: args.baseline, content: await readBaseline(args.baseline) } : undefined;
  const note = (l: string) => process.stderr.write(`tlsgate: ${l}\n`);
  let selection = await loadSelection(args.paths, args);
  let runtimes: MatrixRuntime[];
  if (args.package !== undefined) {
    const pkg = await packageRuntimes(args.package, note);
    selection = { ...selection, scenarios: selection.scenarios.filter((s) => s.client.driver === pkg.driver) };
    if (selection.scenarios.length === 0) throw new UsageError(`--package ${args.package}: no selected scenario uses the ${pkg.driver} client driver`);
    runtimes = pkg.runtimes;
  } else {
    const nodes = await resolveNodes(parseNodeRequests(args.node), { cacheDir: args.nodeCache ?? defaultNodeCache(), note });
    runtimes = runtimesOf(nodes);
  }
  const concurrency = args.concurrency ?? availableParallelism() * Math.min(3, runtimes.length);
  process.stderr.write(`tlsgate: matrix of ${selection.scenarios.length} scenarios on ${runtimes.map((r) => r.label).join(', ')} (concurrency ${concurrency})\n`);

  const probes = await makeInventoryProbes(args.certsDir);
  const interrupts = trapInterrupts();
  const audit = args.audit !== undefined ? new AuditLog(args.audit) : undefined;
  let outcome;
  try {
    outcome = await runMatrix(selection.scenarios, runtimes, {
      certsDir: args.certsDir, timeoutMs: args.timeoutMs, concurrency, signal: interrupts.signal, probes,
      ...(audit ? { audit: (runtime: string, id: string) => audit.sink(`${id} @ ${runtime}`) } : {}),
      ...(config?.accept.length ? { review: await acceptancesOnEachRuntime(config.accept, selection.foundIds) } : {}),
    });
  } finally {
    audit?.close();
    interrupts.release();
  }
  const report = matrixReport(outcome, policy, baseline, declaringScenarios(selection.scenarios));
  process.stdout.write(renderMatrixText(report, { all: args.all }));
  if (args.driftMarkdown) await writeFileAtomic(args.driftMarkdown, renderMatrixMarkdown(report), PUBLIC_FILE);
  if (args.json) await writeFileAtomic(args.json, `${JSON.stringify(matrixJson(report), null, 2)}\n`, PUBLIC_FILE);
  if (args.html) await writeFileAtomic(join(args.html, HTML_REPORT_FILE), renderMatrixPage(report), PUBLIC_FILE);
  if (outcome.internalErrors.length) reportContainedErrors(outcome.internalErrors.map(describeInternalError), process.stderr);
  if (outcome.interrupted) return EXIT.interrupted;
  await pruneCacheAfterRun(args.certsDir);
  if (outcome.internalErrors.length) return EXIT.internal;
  return failingRuns(report).length > 0 || fatalCount(report) > 0 ? EXIT.failed : EXIT.passed;
}

/**
 * The project config as `run` reads it: paths, include/exclude, the certificate cache, and
 * `accept` (judged per runtime: an acceptance's Node range is matched against that runtime's
 * Node). Its reporters and baseline are `run`'s: the matrix writes its own --json, --html and
 * --drift-markdown, and compares with a baseline only when --baseline says so.
 */
function withConfig(args: MatrixArgs, config: ProjectConfig | undefined): MatrixArgs & { certsDir: string } {
  const keep = config ? projectKeep(config) : undefined;
  return {
    ...args,
    paths: args.paths.length ? args.paths : config?.paths ?? defaultScenarioPaths(),
    certsDir: args.certsDir ?? config?.certs ?? defaultCertsDir(),
    ...(keep ? { keep } : {}),
  };
}

async function acceptancesOnEachRuntime(accept: ProjectConfig['accept'], foundIds: readonly string[]): Promise<(runtime: MatrixRuntime) => (r: ScenarioResult) => ScenarioResult> {
  const { acceptanceReview, unmatchedAcceptances } = await import('../../config/acceptances.js');
  for (const a of unmatchedAcceptances(accept, foundIds)) {
    process.stderr.write(`tlsgate: warning: ${a.source}: accept ${JSON.stringify(a.scenario)} matches no scenario (see \`tlsgate list\`); remove it or fix the id\n`);
  }
  const now = new Date();
  return (runtime) => acceptanceReview(accept, { now, node: runtime.version });
}

/** every file and folder the matrix writes: checked before any Node is fetched */
function matrixOutputPaths(args: MatrixArgs & { certsDir: string }): OutputPath[] {
  return [
    { flag: '--certs', path: args.certsDir, kind: 'folder' },
    { flag: '--node-cache', path: args.nodeCache ?? defaultNodeCache(), kind: 'folder' },
    ...(args.driftMarkdown !== undefined ? [{ flag: `--drift-markdown ${args.driftMarkdown}`, path: args.driftMarkdown, kind: 'file' as const }] : []),
    ...(args.json !== undefined ? [{ flag: `--json ${args.json}`, path: args.json, kind: 'file' as const }] : []),
    ...(args.html !== undefined ? [{ flag: `--html ${args.html}`, path: args.html, kind: 'folder' as const }] : []),
    ...(args.audit !== undefined ? [{ flag: `--audit ${args.audit}`, path: args.audit, kind: 'file' as const }] : []),
  ];
}

/**
 * One runtime per version of the library: this Node, its ends in this process with the library's
 * driver loading that version's copy (installed into the cache on first use).
 */
async function packageRuntimes(given: string, note: (l: string) => void): Promise<{ driver: string; runtimes: MatrixRuntime[] }> {
  const [{ parsePackageRequest, packageCopy }, { packageDrivers }] = await Promise.all([
    import('../../matrix/package-copies.js'), import('../package-drivers.js'),
  ]);
  const request = parsePackageRequest(given);
  const drivers = packageDrivers();
  const driver = drivers.get(request.name);
  if (driver === undefined) throw new UsageError(`--package ${given}: no tlsgate client driver loads ${request.name}; give one of: ${[...drivers.keys()].join(', ')}`);
  const cache = defaultCacheDir();
  const runtimes: MatrixRuntime[] = [];
  for (const version of request.versions) {
    const dir = await packageCopy(cache, request.name, version, note);
    const label = `${request.name} ${version}`;
    runtimes.push({ label, version: process.versions.node, openssl: process.versions.openssl, spec: { ...thisNode(), label }, libraryDirs: { [request.name]: dir } });
  }
  return { driver, runtimes };
}

/** one runtime per Node, labelled by version (a repeated version gets `#2`, `#3`...) */
function runtimesOf(nodes: readonly ResolvedNode[]): MatrixRuntime[] {
  const seen = new Map<string, number>();
  return nodes.map((n) => {
    const base = `node ${n.version}`;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    const label = count === 1 ? base : `${base} #${count}`;
    return { label, version: n.version, openssl: n.openssl, spec: { ...thisNode(), label, execPath: n.execPath } };
  });
}
