/**
 * Everything one scenario holds while it runs: its materials, its namespace on the revocation
 * servers, its TLS server. `runAllSteps` makes the connections; `close` releases everything,
 * whatever happened.
 */
import { performance } from 'node:perf_hooks';
import { issuePki } from '../ca/factory.js';
import type { Materials, RevocationEndpoints } from '../ca/materials.js';
import type { PkiHandle, RevocationServers } from '../ca/revocation-servers.js';
import type { EndPlacement } from './drivers/remote-placement.js';
import type { ClientDriver, ClientHooks, ServerDriver, ServerHandle, ServerHooks } from './drivers/types.js';
import type { Observation, RevocationRequest, Scenario, ScenarioStep } from './model.js';
import { observe, observeSetupFailure } from './observe.js';
import { TlsSetupError } from './drivers/setup-error.js';
import { fetchStaple, planClientRevocation, type RevocationPlan } from './revocation/plan.js';
import { placeLeafIssuer } from './leaf-issuer.js';
import { leaseNamespace, type NamespaceLease } from './namespace-lease.js';
import { loadPemFiles, ScenarioMaterials } from './scenario-materials.js';
import { clientAnchorIds, clientPlan, pemIdentity, serverPlan, type ClientIdentity } from './tls-plans.js';
import { pkcs12Identity } from './client-identity.js';
import { ScenarioError } from './internal-fault.js';

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

  private constructor(
    private readonly s: Scenario,
    private readonly env: SessionEnv,
    private readonly m: ScenarioMaterials,
    private readonly pki: PkiHandle | undefined,
    private readonly drivers: Drivers,
    private readonly identity: ClientIdentity,
    private readonly lease: NamespaceLease | undefined,
  ) {}

  static async open(s: Scenario, env: SessionEnv, signal: AbortSignal): Promise<ScenarioSession> {
    const servers = needsRevocationServers(s) ? await env.revocationServers() : undefined;
    const lease = servers ? leaseNamespace(servers, s.pki) : undefined;
    let pki: PkiHandle | undefined;
    try {
      const endpoints: RevocationEndpoints | undefined = lease && servers?.endpointsFor(lease.namespace);
      const [generated, files] = await Promise.all([
        s.pki.certs.length > 0 ? issuePki(s.pki, { cacheDir: env.certsDir, endpoints }) : Promise.resolve(undefined),
        loadPemFiles(s.pemFiles),
      ]);
      signal.throwIfAborted();
      const m = new ScenarioMaterials(generated, files);
      // after the materials: a client's environment may name certificates (NODE_EXTRA_CA_CERTS)
      const drivers = await loadDrivers(s, m, env.placement);
      signal.throwIfAborted();
      pki = servers && lease && generated ? attachPki(servers, lease.namespace, generated, s) : undefined;
      const identity = s.client.identityFormat === 'pkcs12' && s.client.identity
        ? await pkcs12Identity(s, m)
        : pemIdentity(s, m);
      return new ScenarioSession(s, env, m, pki, drivers, identity, lease);
    } catch (err) {
      pki?.detach();
      lease?.release();
      throw err;
    }
  }

  async runAllSteps(signal: AbortSignal): Promise<Observation[]> {
    const observations = [await this.connect(undefined, signal)];
    for (const step of this.s.then ?? []) observations.push(await this.connect(step, signal));
    return observations;
  }

  private async connect(step: ScenarioStep | undefined, signal: AbortSignal): Promise<Observation> {
    if (step) await this.applyRevocationChanges(step);
    const started = performance.now();
    const startedAt = Date.now();
    const revocation = await this.planRevocation(signal);
    const context = () => ({
      clientDriver: this.drivers.client.name,
      serverDriver: this.drivers.server.name,
      clientVersion: this.drivers.clientVersion,
      revocation: revocation?.checks ?? [],
      revocationRequests: this.requestsSince(startedAt),
      warnings: revocation?.warnings ?? [],
      totalMs: Math.round(performance.now() - started),
      leafIssuer: () => placeLeafIssuer(this.s, this.m),
    });
    let server: ServerHandle;
    try {
      server = await this.ensureServer(signal);
    } catch (err) {
      // the server's own stack refused its configuration (e.g. a SHA-1 leaf): that is the result
      if (err instanceof TlsSetupError) return observeSetupFailure(err, context());
      throw err;
    }
    server.reset();
    const client = await this.drivers.client.connect(this.clientPlanFor(server, step, revocation), hooksOf(revocation), signal);
    const serverObs = await server.observation();
    if (client.session) this.lastSession = client.session;
    return observe(client, serverObs, context());
  }

  private clientPlanFor(server: ServerHandle, step: ScenarioStep | undefined, revocation: RevocationPlan | undefined) {
    const plan = clientPlan(this.s, this.m, server.port, this.identity, this.env.timeoutMs);
    if (step?.resume && this.lastSession) plan.sessionBase64 = this.lastSession.toString('base64');
    if (revocation?.crlPem) plan.crlPem = revocation.crlPem;
    if (revocation?.requestOCSP) plan.requestOCSP = true;
    return plan;
  }

  private async planRevocation(signal: AbortSignal): Promise<RevocationPlan | undefined> {
    const config = this.s.client.revocation;
    if (!config || config.mode === 'none') return undefined;
    const chainIds = [this.s.server.cert, ...(this.s.server.chain ?? this.m.defaultChain(this.s.server.cert))];
    const anchors = clientAnchorIds(this.s, this.m);
    return planClientRevocation({
      config,
      serverChainDer: chainIds.map((id) => this.m.get(id).der),
      anchorsDer: anchors === 'system' ? [] : anchors.map((id) => this.m.get(id).der),
    }, signal);
  }

  /** the server loads CRLs at start, so a revocation change between connections restarts it */
  private async ensureServer(signal: AbortSignal): Promise<ServerHandle> {
    if (this.server) return this.server;
    const crlPem = this.s.server.crl ? await this.serverCrls(this.s.server.crl, signal) : undefined;
    this.server = await this.drivers.server.listen(serverPlan(this.s, this.m, crlPem), this.serverHooks(), signal);
    return this.server;
  }

  private serverHooks(): ServerHooks {
    if (this.s.server.staple !== 'responder') return {};
    const timeoutMs = this.s.client.revocation?.timeoutMs ?? 300;
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
    if (this.s.server.crl && this.server) {
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
    this.server = undefined;
    try {
      await server?.close();
    } finally {
      this.pki?.detach();
      this.lease?.release();
    }
  }
}

async function loadDrivers(s: Scenario, m: ScenarioMaterials, placement: EndPlacement): Promise<Drivers> {
  const { client, server } = await placement.drivers(s, m);
  const info = await client.info();
  return { client, server, clientVersion: info.version };
}

/** the server's CRLs come from tlsgate's own CRL server, over real HTTP, as PEM */
export function fetchServerCrls(endpoints: RevocationEndpoints, caIds: string[], signal: AbortSignal): Promise<string[]> {
  return Promise.all(caIds.map(async (id) => {
    const failed = (why: string) => new ScenarioError(`CRL of '${id}' could not be loaded for the server: ${why}`);
    const res = await fetch(`${endpoints.crlUrl(id)}?format=pem`, { signal }).catch((err: unknown) => {
      // a fault the scenario injected into the CRL server (reset, hang) lands here
      throw signal.aborted ? err : failed(String((err as Error)?.message ?? err));
    });
    if (!res.ok) throw failed(`HTTP ${res.status}`);
    return res.text();
  }));
}

/** the PKI served under `ns`, with the scenario's set-up revocations and faults */
export function attachPki(servers: RevocationServers, ns: string, materials: Materials, s: Scenario): PkiHandle {
  const pki = servers.attach(ns, materials);
  for (const r of s.pki.revoked ?? []) pki.registry.revoke(r.cert, { reason: r.reason, time: r.time, invalidityDate: r.invalidityDate });
  for (const f of s.faults ?? []) {
    pki.faults.set(f.ca !== undefined ? { caId: f.ca } : { certId: f.cert! }, f.server, f.fault);
  }
  return pki;
}

/** some certificate's revocation URLs are `auto`: tlsgate's servers must run to issue it */
export const pointsAtTlsgate = (s: Scenario): boolean =>
  s.pki.certs.some((c) => c.crlDistributionPoints === 'auto' || c.ocsp === 'auto' || c.caIssuers === 'auto');

export function needsRevocationServers(s: Scenario): boolean {
  const usesAuto = pointsAtTlsgate(s);
  const mode = s.client.revocation?.mode ?? 'none';
  return usesAuto || mode !== 'none' || !!s.faults?.length || s.server.staple === 'responder' || !!s.server.crl?.length
    || !!s.pki.revoked?.length || !!s.then?.some((t) => t.revoke?.length || t.unrevoke?.length);
}

function hooksOf(plan: RevocationPlan | undefined): ClientHooks {
  return plan?.afterHandshake ? { afterHandshake: plan.afterHandshake } : {};
}
