/**
 * The engine: one per run. It owns what scenarios share (the revocation servers, the material
 * cache folder) and turns each Scenario into a ScenarioResult via a ScenarioSession.
 */
import { issueKeys, issuePki } from '../../ca/issue/factory.js';
import { pointsAtTlsgate } from '../scenario/revocation-needs.js';
import { generatedPart } from '../scenario/checks/pki-checks.js';
import { performance } from 'node:perf_hooks';
import type { RevocationServers } from '../../ca/servers/revocation-servers.js';
import type { AuditSink } from '../../ca/spec/audit.js';
import { DriverUnavailable } from '../drivers/remote/remote-errors.js';
import { UNAVAILABLE_CODE } from '../drivers/portable/external/tools.js';
import { unowned } from './fault-containment.js';
import { internalErrorVerdict, ScenarioError } from '../model/internal-fault.js';
import { localPlacement, type EndPlacement } from '../drivers/remote/remote-placement.js';
import { errorMessage } from '../model/errors.js';
import { judge } from '../verdict/judge.js';
import type { Observation, Scenario, ScenarioResult, StackVersions, Verdict } from '../model/domain.js';
import { citeKnown, describeStack, expectationOn, knownOn, withClientLibrary } from '../verdict/stack-expectation.js';
import { ScenarioSession } from './scenario-session.js';
import { scenarioRef } from '../model/caveats.js';

export interface EngineOptions {
  /** material cache folder */
  certsDir: string;
  /** default per-connection timeout, ms */
  timeoutMs: number;
  /** where the TLS ends run (default: in this process); the engine closes it */
  placement?: EndPlacement;
  /** revocation servers shared with other engines (a matrix); their owner closes them */
  revocationServers?: () => Promise<RevocationServers>;
  /** hears what the mock CA does for each scenario (`--audit`): the sink for a scenario id */
  audit?: (scenarioId: string) => AuditSink;
  /** which of the remembered revocation server ports this engine takes (revocation-ports.ts): its worker's index; default 0 */
  portSlot?: number;
}

export interface Engine {
  run(scenario: Scenario, signal: AbortSignal): Promise<ScenarioResult>;
  /** makes the keys of the scenario's generated certificates (and what it can of the certificates) into the cache, so run() finds them made */
  prepare(scenario: Scenario): Promise<void>;
  close(): Promise<void>;
}

export async function createEngine(opts: EngineOptions): Promise<Engine> {
  return new ScenarioEngine(opts);
}

class ScenarioEngine implements Engine {
  private servers: Promise<RevocationServers> | undefined;
  private readonly placement: EndPlacement;
  private stack: Promise<StackVersions> | undefined;

  constructor(private readonly opts: EngineOptions) {
    this.placement = opts.placement ?? localPlacement();
  }

  /** started on first need: most chain/hostname scenarios never touch revocation */
  private revocationServers = (): Promise<RevocationServers> => {
    if (this.opts.revocationServers) return this.opts.revocationServers();
    // shared by every scenario, so no scenario owns what its sockets might throw
    this.servers ??= unowned(() => import('./revocation-ports.js').then((m) => m.startRevocationServers(this.opts.certsDir, this.opts.portSlot ?? 0)));
    return this.servers;
  };

  async prepare(scenario: Scenario): Promise<void> {
    if (scenario.skip !== undefined || scenario.pki.certs.length === 0) return;
    const files = new Set(Object.keys(scenario.pemFiles ?? {}));
    const spec = generatedPart(scenario.pki, files);
    // every key, the slow part, also where the certificates must wait for run()
    await issueKeys(spec, { cacheDir: this.opts.certsDir, externalIssuers: files });
    // the certificates where run() issues the same ones: not with --audit (their issuance belongs
    // to the scenario's own record), not those whose `auto` URLs name this run's servers, nor
    // those a team's CA signs with its key
    const issuedInRunOnly = this.opts.audit || pointsAtTlsgate(scenario) || spec.certs.some((c) => c.issuer !== undefined && files.has(c.issuer));
    if (!issuedInRunOnly) await issuePki(spec, { cacheDir: this.opts.certsDir });
  }

  async run(scenario: Scenario, signal: AbortSignal): Promise<ScenarioResult> {
    const started = performance.now();
    const ref = scenarioRef(scenario);
    if (scenario.skip !== undefined) {
      return { scenario: ref, observations: [], verdict: { status: 'skipped', reason: scenario.skip }, durationMs: 0 };
    }
    let observations: Observation[] = [];
    let verdict: Verdict;
    try {
      observations = await this.observe(scenario, signal);
      verdict = judgeSteps(scenario, observations, await this.stackFor(scenario));
    } catch (err) {
      verdict = verdictOfError(err, signal);
    }
    return { scenario: ref, observations, verdict, durationMs: Math.round(performance.now() - started) };
  }

  /** asked of the placement once, and only for a scenario whose expectations depend on it */
  private stackFor(scenario: Scenario): Promise<StackVersions | undefined> {
    const dependsOnStack = scenario.stacks || scenario.known || scenario.then?.some((step) => step.stacks);
    if (!dependsOnStack) return Promise.resolve(undefined);
    this.stack ??= this.placement.stack();
    return this.stack;
  }

  private async observe(scenario: Scenario, signal: AbortSignal): Promise<Observation[]> {
    const session = await ScenarioSession.open(scenario, {
      certsDir: this.opts.certsDir,
      timeoutMs: scenario.timeoutMs ?? this.opts.timeoutMs,
      revocationServers: this.revocationServers,
      placement: this.placement,
      ...(this.opts.audit ? { audit: this.opts.audit(scenario.id) } : {}),
    }, signal);
    try {
      return await session.runAllSteps(signal);
    } finally {
      await session.close();
    }
  }

  async close(): Promise<void> {
    const servers = this.servers;
    this.servers = undefined;
    try {
      if (servers) await (await servers).close();
    } finally {
      await this.placement.close();
    }
  }
}

/**
 * The first step whose observation does not meet its expectation on this stack decides the
 * verdict; a failure on a stack with a `known` bug cites it (and still fails).
 */
function judgeSteps(s: Scenario, observations: Observation[], placementStack: StackVersions | undefined): Verdict {
  const steps = [{ expect: s.expect, stacks: s.stacks }, ...(s.then ?? [])];
  // `when.library` is judged against the library each connection's driver reported running
  const stackOf = (obs: Observation | undefined) => placementStack && withClientLibrary(placementStack, obs?.driver.clientVersion);
  const known = placementStack && knownOn(s.known, stackOf(observations[0])!);
  for (const [i, step] of steps.entries()) {
    const obs = observations[i];
    if (!obs) return { status: 'error', message: `connection ${i + 1} did not run` };
    const stack = stackOf(obs);
    const { expect, override } = stack ? expectationOn(step.expect, step.stacks, stack) : { expect: step.expect, override: undefined };
    const v = judge(expect, obs);
    if (v.status === 'failed') {
      const onStack = override && stack ? ` on ${describeStack(stack)} (stacks: ${override.because})` : '';
      const message = `${steps.length > 1 ? `connection ${i + 1}: ` : ''}${v.message}${onStack}`;
      return citeKnown({ ...v, message }, known);
    }
    if (v.status !== 'passed') return v;
  }
  return { status: 'passed' };
}

/**
 * What a scenario that threw gets: skipped when its driver cannot run on this runtime (undici 7
 * on Node 18) or its library is not installed, an error when it cannot run as written or was aborted (the runner says why), and
 * an internal error, naming the bug, for anything else: tlsgate's own code threw.
 */
function verdictOfError(err: unknown, signal: AbortSignal): Verdict {
  if (signal.aborted) return { status: 'error', message: `aborted: ${errorMessage(signal.reason)}` };
  if (err instanceof DriverUnavailable || isUnavailable(err)) return { status: 'skipped', reason: (err as Error).message };
  if (err instanceof ScenarioError) return { status: 'error', message: err.message };
  return internalErrorVerdict(err);
}

/** an in-process driver that cannot run here (an external tool that is not installed) */
const isUnavailable = (err: unknown): boolean => (err as { code?: unknown } | undefined)?.code === UNAVAILABLE_CODE;
