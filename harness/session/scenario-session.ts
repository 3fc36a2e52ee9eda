/**
 * Everything one scenario holds while it runs: its materials, its namespace on the revocation
 * servers, its TLS server. `runAllSteps` makes the connections; `close` releases everything,
 * whatever happened.
 */
import { performance } from 'node:perf_hooks';
import type { RevocationEndpoints } from '../../ca/issue/materials.js';
import type { PkiHandle, RevocationServers } from '../../ca/servers/revocation-servers.js';
import type { AuditSink } from '../../ca/spec/audit.js';
import type { EndPlacement } from '../drivers/remote/remote-placement.js';
import type { ClientDriver, ClientHooks, ClientPool, ServerDriver, ServerHandle, ServerHooks } from '../drivers/portable/types.js';
import { DriverUnavailable } from '../drivers/remote/remote-errors.js';
import { authenticatedBy, endsAfter, hasSecondsScaleValidity, rotatesServer, usesPool, waitBefore } from './lifecycle-steps.js';
import type { ClientObservation, Observation, RevocationRequest, Scenario, ScenarioStep } from '../model/domain.js';
import { CODES } from '../model/codes.js';
import { observe, observeSetupFailure, type ObserveContext } from '../verdict/observe.js';
import { TlsSetupError } from '../drivers/portable/setup-error.js';
import { OneReadFront } from '../drivers/portable/hostile/one-read-front.js';
import { combineFindings, NOTHING_FOUND, type RevocationFindings, type RevocationPlan } from './revocation/findings.js';
import { placeLeafIssuer } from './leaf-issuer.js';
import { leaseNamespace, type NamespaceLease } from './namespace-lease.js';
import { needsRevocationServers } from '../scenario/revocation-needs.js';
import { loadPemFiles, ScenarioMaterials } from './scenario-materials.js';
import { clientAnchorIds, clientPlan, pemIdentity, serverPlan, type ClientIdentity } from './tls-plans.js';
import { endsRequest } from './ends-request.js';
import { pkcs12Identity } from './client-identity.js';
import { ScenarioError } from '../model/internal-fault.js';
import { startScenarioProxy, withProxyRecord, type ScenarioProxy } from './scenario-proxy.js';
import { attachScenarioPki, fetchServerCrls, issueScenarioPki } from './session-pki.js';
import { routesFor } from './team-ca.js';

/** the OCSP and CRL checks, loaded by the first scenario that checks revocation or staples (findings.ts says why) */
const revocationChecks = (): Promise<typeof import('./revocation/plan.js')> => import('./revocation/plan.js');

export interface SessionEnv {
  certsDir: string;
  timeoutMs: number;
  revocationServers: () => Promise<RevocationServers>;
  /** where the TLS ends run */
  placement: EndPlacement;
  /** hears what the mock CA does for this scenario (`--audit`) */
  audit?: AuditSink;
}

interface Drivers {
  client: ClientDriver;
  server: ServerDriver;
  clientVersion: string | undefined;
  serverVersion: string | undefined;
}

export class ScenarioSession {
  private server: ServerHandle | undefined;
  private lastSession: Buffer | undefined;
  /** `client.proxy`: started with the first connection; tunnels to the current server */
  private proxy: ScenarioProxy | undefined;
  private readonly origin = { host: '127.0.0.1', port: 0 };
  /** the keep-alive pool of a scenario that reuses connections; closed with the session */
  private pool: ClientPool | undefined;
  /** the CRLs the running server loaded */
  private serverCrlPem: string[] | undefined;
  /** the scenario's ends as its steps have changed them (rotation, retrust) */
  private ends: Scenario;

  private constructor(
    private readonly scenario: Scenario,
    private readonly env: SessionEnv,
    private materials: ScenarioMaterials,
    private pki: PkiHandle | undefined,
    private readonly drivers: Drivers,
    private identity: ClientIdentity,
    private readonly lease: NamespaceLease | undefined,
    /** issues and attaches the PKI before the first connection (only for a PKI whose validity is seconds long; unattached till then) */
    private readonly reissue?: () => Promise<{ materials: ScenarioMaterials; pki: PkiHandle | undefined }>,
  ) {
    this.ends = scenario;
    this.routes = routesOf(materials, pki);
  }

  /** the URLs in a team's certificates, mapped to this run's servers */
  private routes: ReadonlyMap<string, string>;

  static async open(scenario: Scenario, env: SessionEnv, signal: AbortSignal): Promise<ScenarioSession> {
    const servers = needsRevocationServers(scenario) ? await env.revocationServers() : undefined;
    const lease = servers ? leaseNamespace(servers, scenario.pki) : undefined;
    let pki: PkiHandle | undefined;
    try {
      const endpoints: RevocationEndpoints | undefined = lease && servers?.endpointsFor(lease.namespace);
      // the files first: a generated certificate may be issued by a files CA
      const files = await loadPemFiles(scenario.pemFiles);
      const issue = () => issueScenarioPki(scenario, files, { cacheDir: env.certsDir, endpoints, ...(env.audit ? { audit: env.audit } : {}) });
      const generated = scenario.pki.certs.length > 0 ? await issue() : undefined;
      signal.throwIfAborted();
      const attach = (materials: ScenarioMaterials) => (servers && lease && materials.ids().length > 0
        ? attachScenarioPki(servers, lease.namespace, materials, scenario, env.audit)
        : undefined);
      const materials = new ScenarioMaterials(generated, files.certs, files.crls);
      // after the materials: a client's environment may name certificates (NODE_EXTRA_CA_CERTS)
      const drivers = await loadDrivers(scenario, materials, env.placement);
      signal.throwIfAborted();
      // a PKI valid for seconds is issued and attached again before the first connection
      // (startShortClocks): attaching this first issue too would revoke and audit it twice
      const reissue = generated && hasSecondsScaleValidity(scenario.pki)
        ? async () => {
          const fresh = new ScenarioMaterials(await issue(), files.certs, files.crls);
          return { materials: fresh, pki: attach(fresh) };
        }
        : undefined;
      pki = reissue ? undefined : attach(materials);
      const identity = await identityOf(scenario, materials);
      return new ScenarioSession(scenario, env, materials, pki, drivers, identity, lease, reissue);
    } catch (err) {
      pki?.detach();
      lease?.release();
      throw err;
    }
  }

  async runAllSteps(signal: AbortSignal): Promise<Observation[]> {
    await this.startShortClocks();
    signal.throwIfAborted();
    const observations = [await this.connect(undefined, signal)];
    for (const step of this.scenario.then ?? []) observations.push(await this.connect(step, signal));
    return observations;
  }

  private async connect(step: ScenarioStep | undefined, signal: AbortSignal): Promise<Observation> {
    if (step) await this.applyStep(step, signal);
    const started = performance.now();
    const startedAt = Date.now();
    // a kept connection is not verified again, so nothing is fetched for it
    const revocation = step?.connection === 'reuse' ? undefined : await this.planRevocation(signal);
    // what the revocation check finds: the plan's findings, then the after-handshake hook's
    const found = [revocation?.found ?? NOTHING_FOUND];
    const context = (): ObserveContext => {
      const { checks, warnings } = combineFindings(...found);
      return {
        clientDriver: this.drivers.client.name,
        serverDriver: this.drivers.server.name,
        clientVersion: this.drivers.clientVersion,
        serverVersion: this.drivers.serverVersion,
        revocation: checks,
        revocationRequests: this.requestsSince(startedAt),
        warnings,
        totalMs: Math.round(performance.now() - started),
        leafIssuer: () => placeLeafIssuer(this.ends, this.materials),
      };
    };
    let server: ServerHandle;
    try {
      const running = this.server;
      server = await this.ensureServer(signal);
      if (running && step && rotatesServer(step)) await this.rotateServer(running);
    } catch (err) {
      // the server's own stack refused its configuration (e.g. a SHA-1 leaf): that is the result
      if (err instanceof TlsSetupError) return observeSetupFailure(err, context());
      throw err;
    }
    server.reset();
    const check = checkedHooks(revocation, (f) => found.push(f));
    const plan = this.clientPlanFor(server, step, revocation);
    const proxy = await this.ensureProxy(server);
    if (proxy) plan.proxy = proxy.plan;
    // a connection the pool reuses had its check at its own handshake
    const reuse = usesPool(this.scenario) && step?.connection === 'reuse';
    const connected = usesPool(this.scenario)
      ? await this.openPool().request(plan, check.hooks, reuse, signal)
      : await this.drivers.client.connect(plan, check.hooks, signal);
    const judged = reuse ? connected : check.acceptedUnchecked(connected, this.drivers.client.name);
    const client = proxy ? withProxyRecord(judged, proxy.proxy) : judged;
    const serverObs = await server.observation();
    if (client.session) this.lastSession = client.session;
    const observation = observe(client, serverObs, context());
    const leaf = authenticatedBy(observation, this.materials);
    return leaf ? { ...observation, authenticatedBy: leaf } : observation;
  }

  /**
   * A certificate valid for seconds (`+3s`) is issued again right before the first connection,
   * so its clock starts then and not at set-up: under load, set-up alone can take seconds.
   */
  private async startShortClocks(): Promise<void> {
    if (!this.reissue) return;
    const { materials, pki } = await this.reissue();
    this.materials = materials;
    this.pki = pki;
    this.routes = routesOf(materials, pki);
    this.identity = await identityOf(this.ends, materials);
  }

  private openPool(): ClientPool {
    if (this.pool) return this.pool;
    const driver = this.drivers.client;
    if (!driver.openPool) throw new DriverUnavailable(`the client driver '${driver.name}' keeps no connections alive, so a step cannot reuse one (use node-https or undici)`);
    this.pool = driver.openPool();
    return this.pool;
  }

  /** the running server takes the rotated credentials for its new connections */
  private async rotateServer(server: ServerHandle): Promise<void> {
    if (!server.rotate) throw new DriverUnavailable(`the server driver '${this.drivers.server.name}' cannot rotate its certificate while running`);
    await server.rotate(serverPlan(this.ends, this.materials, this.serverCrlPem));
  }

  /** what a step changes before its connection: time, revocation, credentials, trust */
  private async applyStep(step: ScenarioStep, signal: AbortSignal): Promise<void> {
    await waitBefore(step, signal);
    await this.applyRevocationChanges(step);
    this.ends = endsAfter(this.ends, step);
    if (step.rotate?.identity) this.identity = await identityOf(this.ends, this.materials);
  }

  private clientPlanFor(server: ServerHandle, step: ScenarioStep | undefined, revocation: RevocationPlan | undefined) {
    const plan = clientPlan(this.ends, this.materials, server.port, this.identity, this.env.timeoutMs);
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
    const chainIds = [this.ends.server.cert, ...(this.ends.server.chain ?? this.materials.defaultChain(this.ends.server.cert))];
    const anchors = clientAnchorIds(this.ends, this.materials);
    const { planClientRevocation } = await revocationChecks();
    return planClientRevocation({
      config,
      serverChainDer: chainIds.map((id) => this.materials.get(id).der),
      anchorsDer: anchors === 'system' ? [] : anchors.map((id) => this.materials.get(id).der),
      routes: this.routes,
    }, signal);
  }

  /** the server loads CRLs at start, so a revocation change between connections restarts it */
  private async ensureServer(signal: AbortSignal): Promise<ServerHandle> {
    if (this.server) return this.server;
    this.serverCrlPem = this.scenario.server.crl ? await this.serverCrls(this.scenario.server.crl, signal) : undefined;
    const listening = await this.drivers.server.listen(serverPlan(this.ends, this.materials, this.serverCrlPem), this.serverHooks(), signal);
    this.server = await behindFront(listening, this.scenario.server.front);
    return this.server;
  }

  private serverHooks(): ServerHooks {
    if (this.scenario.server.staple !== 'responder') return {};
    const timeoutMs = this.scenario.client.revocation?.timeoutMs ?? 300;
    // a team's server that does not send its leaf's issuer (a root) is told it, as nginx's
    // ssl_trusted_certificate does; generated scenarios keep Node's own behaviour (no issuer, no staple)
    const issuer = this.materials.isFromFiles(this.scenario.server.cert) ? this.materials.nominalIssuer(this.scenario.server.cert) : undefined;
    const knownIssuer = issuer === undefined ? null : this.materials.get(issuer).der;
    return { ocspStaple: async (certDer, issuerDer) => (await revocationChecks()).fetchStaple(certDer, issuerDer ?? knownIssuer, { timeoutMs, routes: this.routes }) };
  }

  private async serverCrls(caIds: string[], signal: AbortSignal): Promise<string[]> {
    if (!this.pki) throw new ScenarioError(`server.crl needs CA certificates tlsgate can serve CRLs of (ids: ${caIds.join(', ')})`);
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
    const pool = this.pool;
    this.server = undefined;
    this.proxy = undefined;
    this.pool = undefined;
    try {
      await pool?.close();
    } finally {
      await this.closeEndpointsAndDetach(server, proxy);
    }
  }

  private async closeEndpointsAndDetach(server: ServerHandle | undefined, proxy: ScenarioProxy | undefined): Promise<void> {
    try {
      await Promise.all([server?.close(), proxy?.proxy.close()]);
    } finally {
      this.pki?.detach();
      this.lease?.release();
    }
  }
}

/** `server.front`: the client reaches the server through the one-read front (closed with it) */
async function behindFront(server: ServerHandle, front: Scenario['server']['front']): Promise<ServerHandle> {
  if (!front) return server;
  try {
    return await OneReadFront.start(server, front);
  } catch (err) {
    await server.close();
    throw err;
  }
}

/** the client identity as the client end names it: PEM, or a PKCS#12 bundle */
function identityOf(s: Scenario, m: ScenarioMaterials): Promise<ClientIdentity> {
  return s.client.identityFormat === 'pkcs12' && s.client.identity ? pkcs12Identity(s, m) : Promise.resolve(pemIdentity(s, m));
}

async function loadDrivers(s: Scenario, m: ScenarioMaterials, placement: EndPlacement): Promise<Drivers> {
  const { client, server } = await placement.drivers(endsRequest(s, m));
  const info = await client.info();
  const serverInfo = await server.info?.();
  return { client, server, clientVersion: info.version, serverVersion: serverInfo?.version };
}

interface CheckedHooks {
  hooks: ClientHooks;
  /**
   * The observation, unless the driver accepted without calling the hook: a driver that keeps
   * its TLS socket to itself (pg, ws, grpc-js, another stack's tool, a library behind a proxy
   * agent) never runs tlsgate's after-handshake check, and its acceptance would be green for
   * the wrong reason (a revoked server accepted), so it becomes a configuration error naming it.
   */
  acceptedUnchecked(observed: ClientObservation, driver: string): ClientObservation;
}

/** the plan's after-handshake check as a driver hook: the driver gets the decision, `keep` the findings */
function checkedHooks(plan: RevocationPlan | undefined, keep: (found: RevocationFindings) => void): CheckedHooks {
  const check = plan?.afterHandshake;
  if (!check) return { hooks: {}, acceptedUnchecked: (observed) => observed };
  let ran = false;
  return {
    hooks: {
      afterHandshake: async (facts) => {
        ran = true;
        const { decision, ...found } = await check(facts);
        keep(found);
        return decision;
      },
    },
    acceptedUnchecked: (observed, driver) => (observed.outcome !== 'accepted' || ran ? observed : {
      outcome: 'rejected',
      code: CODES.configError,
      message: `the ${driver} driver cannot run tlsgate's after-handshake checks (client.revocation): it does not hand tlsgate its TLS socket before sending (a library, its proxy agent, or another stack's tool)`,
    }),
  };
}

/** the URLs in a team's certificates, mapped to the servers `pki` is attached to */
function routesOf(materials: ScenarioMaterials, pki: PkiHandle | undefined): ReadonlyMap<string, string> {
  return pki ? routesFor(materials, pki.endpoints) : new Map();
}
