/**
 * Everything one scenario holds while it runs: its materials, its namespace on the revocation
 * servers, its TLS server. `runAllSteps` makes the connections; `close` releases everything,
 * whatever happened.
 */
import { performance } from 'node:perf_hooks';
import { issuePki } from '../../ca/issue/factory.js';
import type { RevocationEndpoints } from '../../ca/issue/materials.js';
import type { PkiHandle, RevocationServers } from '../../ca/servers/revocation-servers.js';
import type { EndPlacement } from '../drivers/remote/remote-placement.js';
import type { ClientDriver, ClientHooks, ServerDriver, ServerHandle, ServerHooks } from '../drivers/portable/types.js';
import type { Observation, RevocationRequest, Scenario, ScenarioStep } from '../model/domain.js';
import { observe, observeSetupFailure, type ObserveContext } from '../verdict/observe.js';
import { TlsSetupError } from '../drivers/portable/setup-error.js';
import {
  combineFindings, fetchStaple, NOTHING_FOUND, planClientRevocation, type RevocationFindings, type RevocationPlan,
} from './revocation/plan.js';
import { placeLeafIssuer } from './leaf-issuer.js';
import { leaseNamespace, type NamespaceLease } from './namespace-lease.js';
import { needsRevocationServers } from '../scenario/revocation-needs.js';
import { loadPemFiles, ScenarioMaterials } from './scenario-materials.js';
import { clientAnchorIds, clientPlan, pemIdentity, serverPlan, type ClientIdentity } from './tls-plans.js';
import { endsRequest } from './ends-request.js';
import { pkcs12Identity } from './client-identity.js';
import { ScenarioError } from '../model/internal-fault.js';
import { attachPki, fetchServerCrls } from './session-pki.js';
import { startScenarioProxy, withProxyRecord, type ScenarioProxy } from './scenario-proxy.js';

export interface SessionEnv {
  certsDir: string;
  timeoutMs: number;
  revocationServers: () => Promise<RevocationServers>;
  /** where the TLS ends run */
  placement: EndPlacement;
}

interface Drivers {
  client: ClientDriver;
  server: ServerDriver;
  clientVersion: string | undefined;
}

export class ScenarioSession {
  private server: ServerHandle | undefined;
  private lastSession: Buffer | undefined;
  /** `client.proxy`: started with the first connection; tunnels to the current server */
  private proxy: ScenarioProxy | undefined;
  private readonly origin = { host: '127.0.0.1', port: 0 };

  private constructor(
    private readonly scenario: Scenario,
    private readonly env: SessionEnv,
    private readonly materials: ScenarioMaterials,
    private readonly pki: PkiHandle | undefined,
    private readonly drivers: Drivers,
    private readonly identity: ClientIdentity,
    private readonly lease: NamespaceLease | undefined,
  ) {}

  static async open(scenario: Scenario, env: SessionEnv, signal: AbortSignal): Promise<ScenarioSession> {
    const servers = needsRevocationServers(scenario) ? await env.revocationServers() : undefined;
    const lease = servers ? leaseNamespace(servers, scenario.pki) : undefined;
    let pki: PkiHandle | undefined;
    try {
      const endpoints: RevocationEndpoints | undefined = lease && servers?.endpointsFor(lease.namespace);
      const [generated, files] = await Promise.all([
        scenario.pki.certs.length > 0 ? issuePki(scenario.pki, { cacheDir: env.certsDir, endpoints }) : Promise.resolve(undefined),
        loadPemFiles(scenario.pemFiles),
      ]);
      signal.throwIfAborted();
      const materials = new ScenarioMaterials(generated, files);
      // after the materials: a client's environment may name certificates (NODE_EXTRA_CA_CERTS)
      const drivers = await loadDrivers(scenario, materials, env.placement);
      signal.throwIfAborted();
      pki = servers && lease && generated ? attachPki(servers, lease.namespace, generated, scenario) : undefined;
      const identity = scenario.client.identityFormat === 'pkcs12' && scenario.client.identity
        ? await pkcs12Identity(scenario, materials)
        : pemIdentity(scenario, materials);
      return new ScenarioSession(scenario, env, materials, pki, drivers, identity, lease);
    } catch (err) {
      pki?.detach();
      lease?.release();
      throw err;
    }
  }

  async runAllSteps(signal: AbortSignal): Promise<Observation[]> {
    const observations = [await this.connect(undefined, signal)];
    for (const step of this.scenario.then ?? []) observations.push(await this.connect(step, signal));
    return observations;
  }

  private async connect(step: ScenarioStep | undefined, signal: AbortSignal): Promise<Observation> {
    if (step) await this.applyRevocationChanges(step);
    const started = performance.now();
    const startedAt = Date.now();
    const revocation = await this.planRevocation(signal);
    // what the revocation check finds: the plan's findings, then the after-handshake hook's
    const found = [revocation?.found ?? NOTHING_FOUND];
    const context = (): ObserveContext => {
      const { checks, warnings } = combineFindings(...found);
      return {
        clientDriver: this.drivers.client.name,
        serverDriver: this.drivers.server.name,
        clientVersion: this.drivers.clientVersion,
        revocation: checks,
        revocationRequests: this.requestsSince(startedAt),
        warnings,
        totalMs: Math.round(performance.now() - started),
        leafIssuer: () => placeLeafIssuer(this.scenario, this.materials),
      };
    };
    let server: ServerHandle;
    try {
      server = await this.ensureServer(signal);
    } catch (err) {
      // the server's own stack refused its configuration (e.g. a SHA-1 leaf): that is the result
      if (err instanceof TlsSetupError) return observeSetupFailure(err, context());
      throw err;
    }
    server.reset();
    const hooks = hooksOf(revocation, (f) => found.push(f));
    const plan = this.clientPlanFor(server, step, revocation);
    const proxy = await this.ensureProxy(server);
    if (proxy) plan.proxy = proxy.plan;
    const connected = await this.drivers.client.connect(plan, hooks, signal);
    const client = proxy ? withProxyRecord(connected, proxy.proxy) : connected;
    const serverObs = await server.observation();
    if (client.session) this.lastSession = client.session;
    return observe(client, serverObs, context());
  }

  private clientPlanFor(server: ServerHandle, step: ScenarioStep | undefined, revocation: RevocationPlan | undefined) {
    const plan = clientPlan(this.scenario, this.materials, server.port, this.identity, this.env.timeoutMs);
    if (step?.resume && this.lastSession) plan.sessionBase64 = this.lastSession.toString('base64');
    if (revocation?.crlPem) plan.crlPem = revocation.crlPem;
    if (revocation?.requestOCSP) plan.requestOCSP = true;
    return plan;
  }

  private async ensureProxy(server: ServerHandle): Promise<ScenarioProxy | undefined> {
    if (!this.scenario.client.proxy) return undefined;
    this.origin.host = server.host;
    this.origin.port = server.port;
    this.proxy ??= await startScenarioProxy(this.scenario, this.materials, this.origin);
    this.proxy.proxy.record.connects.length = 0;
    delete this.proxy.proxy.record.tlsError;
    return this.proxy;
  }

  private async planRevocation(signal: AbortSignal): Promise<RevocationPlan | undefined> {
    const config = this.scenario.client.revocation;
    if (!config || config.mode === 'none') return undefined;
    const chainIds = [this.scenario.server.cert, ...(this.scenario.server.chain ?? this.materials.defaultChain(this.scenario.server.cert))];
    const anchors = clientAnchorIds(this.scenario, this.materials);
    return planClientRevocation({
      config,
      serverChainDer: chainIds.map((id) => this.materials.get(id).der),
      anchorsDer: anchors === 'system' ? [] : anchors.map((id) => this.materials.get(id).der),
    }, signal);
  }

  /** the server loads CRLs at start, so a revocation change between connections restarts it */
  private async ensureServer(signal: AbortSignal): Promise<ServerHandle> {
    if (this.server) return this.server;
    const crlPem = this.scenario.server.crl ? await this.serverCrls(this.scenario.server.crl, signal) : undefined;
    this.server = await this.drivers.server.listen(serverPlan(this.scenario, this.materials, crlPem), this.serverHooks(), signal);
    return this.server;
  }

  private serverHooks(): ServerHooks {
    if (this.scenario.server.staple !== 'responder') return {};
    const timeoutMs = this.scenario.client.revocation?.timeoutMs ?? 300;
    return { ocspStaple: (certDer, issuerDer) => fetchStaple(certDer, issuerDer, { timeoutMs }) };
  }

  private async serverCrls(caIds: string[], signal: AbortSignal): Promise<string[]> {
    if (!this.pki) throw new ScenarioError(`server.crl needs generated CA certificates (ids: ${caIds.join(', ')})`);
    return fetchServerCrls(this.pki.endpoints, caIds, signal);
  }

  private async applyRevocationChanges(step: ScenarioStep): Promise<void> {
    if (!step.revoke?.length && !step.unrevoke?.length) return;
    if (!this.pki) throw new ScenarioError('revoke/unrevoke steps need a generated PKI');
    for (const id of step.revoke ?? []) this.pki.registry.revoke(id, { reason: 'keyCompromise' });
    for (const id of step.unrevoke ?? []) this.pki.registry.unrevoke(id);
    if (this.scenario.server.crl && this.server) {
      await this.server.close();
      this.server = undefined;
    }
  }

  private requestsSince(startedAt: number): RevocationRequest[] {
    if (!this.pki) return [];
    return this.pki.log.entries()
      .filter((e) => e.at >= startedAt)
      .map((e) => ({ server: e.server, path: e.path, serials: [...e.serials], answer: e.answer, ...(e.fault ? { fault: e.fault } : {}) }));
  }

  async close(): Promise<void> {
    const server = this.server;
    const proxy = this.proxy;
    this.server = undefined;
    this.proxy = undefined;
    try {
      await Promise.all([server?.close(), proxy?.proxy.close()]);
    } finally {
      this.pki?.detach();
      this.lease?.release();
    }
  }
}

async function loadDrivers(s: Scenario, m: ScenarioMaterials, placement: EndPlacement): Promise<Drivers> {
  const { client, server } = await placement.drivers(endsRequest(s, m));
  const info = await client.info();
  return { client, server, clientVersion: info.version };
}

/** the server's CRLs come from tlsgate's own CRL server, over real HTTP, as PEM */


/** the plan's after-handshake check as a driver hook: the driver gets the decision, `keep` the findings */
function hooksOf(plan: RevocationPlan | undefined, keep: (found: RevocationFindings) => void): ClientHooks {
  const check = plan?.afterHandshake;
  if (!check) return {};
  return {
    afterHandshake: async (facts) => {
      const { decision, ...found } = await check(facts);
      keep(found);
      return decision;
    },
  };
}
