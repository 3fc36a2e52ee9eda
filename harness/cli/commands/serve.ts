/**
 * `tlsgate serve`: issue a PKI (a spec file's `pki`, or the default one), write it to a folder,
 * and serve its CRLs, OCSP answers and one HTTPS endpoint per server certificate until Ctrl-C,
 * with the faults a spec file's top-level `faults:` or `--fault` ask for.
 * Ports: the system's choice, or with `--port BASE` fixed: BASE the CRL server, BASE+1 the OCSP
 * responder, BASE+2... the HTTPS endpoints in the PKI's order of server certificates; then a
 * restart with the same --out serves the same PKI (the certificates embed the URLs).
 * Exit 0 after a clean stop, 2 for bad input (spec, --fault, --port, --out) before anything is served.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { issuePki } from '../../../ca/issue/factory.js';
import type { Materials } from '../../../ca/issue/materials.js';
import { RevocationServers, type PkiHandle } from '../../../ca/servers/revocation-servers.js';
import type { PkiSpec } from '../../../ca/spec/spec.js';
import { resolveTime } from '../../../ca/spec/time.js';
import type { FaultSpec } from '../../model/domain.js';
import { DEFAULT_PKI } from '../../serve/default-pki.js';
import { faultArg, faultFindings, parseFaultArgs } from '../../serve/faults.js';
import { startHttpsEndpoints, type HttpsEndpoint } from '../../serve/https-endpoints.js';
import { describeServe } from '../../serve/instructions.js';
import { writePki } from '../../serve/manifest.js';
import { checkOutputPaths } from '../../run/output-paths.js';
import { CACHE_FOLDER, prepareOutFolder } from '../../serve/out-folder.js';
import { EXIT } from '../exit.js';
import { AuditLog, type AuditLine } from '../../run/audit-log.js';

export interface ServeArgs {
  spec?: string;
  out: string;
  certsDir?: string;
  /** first of the fixed ports (see above); none: ports the system picks */
  port?: number;
  /** `--fault` values (see harness/serve/faults.ts) */
  faults?: string[];
  /** `--audit FILE`: the CA's events as JSON Lines (they are printed live either way) */
  audit?: string;
  signal: AbortSignal;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

const NAMESPACE = 'pki';
/** the registry's default, taken from the issuance time instead of the start time */
const DEFAULT_REVOCATION_TIME = '-1h';
const MAX_PORT = 65_535;

/** what the spec file and the command line ask to serve, all checked */
interface ServePlan {
  spec: PkiSpec;
  faults: FaultSpec[];
  /** CRL, OCSP, then one per server certificate; undefined: the system picks */
  ports: { crl: number; ocsp: number; https: number[] } | undefined;
}

export async function serveCommand(args: ServeArgs): Promise<number> {
  const stdout = args.stdout ?? process.stdout;
  const stderr = args.stderr ?? process.stderr;
  checkOutputPaths([
    { flag: '--out', path: args.out, kind: 'folder' },
    ...(args.certsDir ? [{ flag: '--certs', path: args.certsDir, kind: 'folder' as const }] : []),
    ...(args.audit !== undefined ? [{ flag: `--audit ${args.audit}`, path: args.audit, kind: 'file' as const }] : []),
  ]);
  const plan = await planFrom(args, stderr);
  if (!plan) return EXIT.usage;
  const out = resolve(args.out);
  const specDigest = createHash('sha256').update(JSON.stringify(plan.spec)).digest('hex');
  const now = new Date();
  const servers = await startServers(plan, stderr);
  if (!servers) return EXIT.usage;
  let endpoints: HttpsEndpoint[] = [];
  const live = liveAudit(stdout);
  const audit = new AuditLog(args.audit, live.print);
  try {
    const folder = await prepareOutFolder(out, { port: args.port ?? null, specDigest, now });
    if (folder.kind === 'refused') return usage(stderr, folder.reason);
    const issuedAt = folder.kind === 'reuse' ? folder.issuedAt : now;
    const materials = await issuePki(plan.spec, {
      endpoints: servers.endpointsFor(NAMESPACE),
      now: issuedAt,
      // with fixed ports the PKI's keys and certificates live with it, so a restart finds them
      ...(args.port !== undefined ? { cacheDir: join(out, CACHE_FOLDER) } : args.certsDir ? { cacheDir: args.certsDir } : {}),
      audit: audit.sink(),
    });
    const pki = servers.attach(NAMESPACE, materials, { audit: audit.sink() });
    // relative to the PKI's issuance, so a restart that reuses it answers with the same times
    const at = (t: string) => resolveTime(t, issuedAt);
    for (const r of plan.spec.revoked ?? []) pki.registry.revoke(r.cert, { ...(r.reason ? { reason: r.reason } : {}), time: at(r.time ?? DEFAULT_REVOCATION_TIME), ...(r.invalidityDate ? { invalidityDate: at(r.invalidityDate) } : {}) });
    // the endpoints load the CRLs before any fault can spoil them: they are the relying party
    endpoints = await startHttpsEndpoints(materials, { crlPem: await currentCrls(pki, materials), ...(plan.ports ? { ports: plan.ports.https } : {}) }).catch((err: unknown) => {
      throw portInUse(err) ? new ServeUsageError(portInUse(err)!) : err;
    });
    for (const f of plan.faults) pki.faults.set(f.ca !== undefined ? { caId: f.ca } : { certId: f.cert! }, f.server, f.fault);
    const manifest = await writePki(out, materials, pki, endpoints, {
      origins: { crl: servers.crl.origin, ocsp: servers.ocsp.origin },
      port: args.port ?? null,
      specDigest,
      issuedAt,
      faults: plan.faults.map(faultArg),
    });
    stdout.write(describeServe(manifest, out));
    live.start();
    await untilAborted(args.signal);
    return EXIT.passed;
  } catch (err) {
    if (err instanceof ServeUsageError) return usage(stderr, err.message);
    throw err;
  } finally {
    await Promise.all([servers.close(), ...endpoints.map((e) => e.close())]);
    audit.close();
  }
}

/** the CA's events as `audit {json}` lines: held back until the instructions are printed, then live */
function liveAudit(stdout: NodeJS.WritableStream): { print: (line: AuditLine) => void; start: () => void } {
  let held: AuditLine[] | undefined = [];
  const write = (line: AuditLine) => stdout.write(`audit ${JSON.stringify(line)}\n`);
  return {
    print: (line) => (held ? held.push(line) : write(line)),
    start: () => {
      const lines = held ?? [];
      held = undefined;
      lines.forEach(write);
    },
  };
}

/** the spec, its faults and --fault, and the port plan; undefined after printing what is wrong */
async function planFrom(args: ServeArgs, stderr: NodeJS.WritableStream): Promise<ServePlan | undefined> {
  const file = args.spec === undefined ? { spec: DEFAULT_PKI, faults: [], scenarioFaults: [] } : await specFrom(args.spec, stderr);
  if (!file) return undefined;
  const given = parseFaultArgs(args.faults ?? [], file.spec);
  for (const p of given.problems) stderr.write(`tlsgate serve: ${p}\n`);
  if (given.problems.length) return undefined;
  const ports = portPlan(args.port, file.spec.certs.filter((c) => c.role === 'server').length);
  if (typeof ports === 'string') {
    usage(stderr, ports);
    return undefined;
  }
  noteScenarioFaults(file.scenarioFaults, file.spec, stderr);
  return { spec: file.spec, faults: [...file.faults, ...given.faults], ports };
}

/** BASE, BASE+1, BASE+2...: every one a port number */
function portPlan(base: number | undefined, servers: number): ServePlan['ports'] | string {
  if (base === undefined) return undefined;
  const last = base + 1 + servers;
  if (!Number.isInteger(base) || base < 1 || last > MAX_PORT) {
    return `--port ${base}: serve needs ${servers + 2} ports from BASE (CRL, OCSP, ${servers} HTTPS), so BASE is a whole number from 1 to ${MAX_PORT - servers - 1}`;
  }
  return { crl: base, ocsp: base + 1, https: Array.from({ length: servers }, (_, i) => base + 2 + i) };
}

async function specFrom(file: string, stderr: NodeJS.WritableStream) {
  if (!existsSync(file)) {
    stderr.write(`tlsgate serve: no such spec file: ${file}\n`);
    return undefined;
  }
  const [{ loadPkiFile }, { formatProblem }] = await Promise.all([import('../../serve/pki-file.js'), import('../../scenario/problems.js')]);
  const { spec, faults, scenarioFaults, problems } = await loadPkiFile(file);
  for (const p of problems) stderr.write(`${formatProblem(p)}\n`);
  if (problems.length || !spec) {
    stderr.write(`\ntlsgate serve: ${problems.length} problem${problems.length === 1 ? '' : 's'} in ${file}; nothing was served\n`);
    return undefined;
  }
  return { spec, faults, scenarioFaults };
}

/** serve runs no scenario, so its faults are not on; it says so, and how to turn one on */
function noteScenarioFaults(list: ReadonlyArray<{ scenario: string; faults: FaultSpec[] }>, spec: PkiSpec, stderr: NodeJS.WritableStream): void {
  const usable = list.map((s) => ({ ...s, faults: s.faults.filter((f) => faultFindings(f, spec).length === 0) })).filter((s) => s.faults.length);
  if (usable.length === 0) return;
  stderr.write(`tlsgate serve: the faults of ${usable.length} scenario${usable.length === 1 ? '' : 's'} in the spec file are not injected (serve injects a top-level faults: list and --fault); to inject one scenario's:\n`);
  for (const s of usable) stderr.write(`  ${s.scenario}: ${s.faults.map((f) => `--fault ${faultArg(f)}`).join(' ')}\n`);
}

async function startServers(plan: ServePlan, stderr: NodeJS.WritableStream): Promise<RevocationServers | undefined> {
  try {
    return await RevocationServers.start(plan.ports ? { ports: plan.ports } : {});
  } catch (err) {
    const inUse = portInUse(err);
    if (!inUse) throw err;
    usage(stderr, inUse);
    return undefined;
  }
}

/** the CRL of every CA (a cert that issued another), as the CRL server hands it out: real HTTP, PEM */
async function currentCrls(pki: PkiHandle, m: Materials): Promise<string[]> {
  const certs = [...m.certs.values()];
  const cas = certs.filter((c) => certs.some((o) => o.issuerId === c.id && o.id !== c.id)).map((c) => c.id);
  return Promise.all(cas.map(async (id) => {
    const res = await fetch(`${pki.endpoints.crlUrl(id)}?format=pem`);
    if (!res.ok) throw new Error(`the CRL of '${id}' could not be loaded for the HTTPS endpoints: HTTP ${res.status}`);
    return res.text();
  }));
}

class ServeUsageError extends Error {}

/** a bind that failed because the port is taken: what to tell the user */
function portInUse(err: unknown): string | undefined {
  const e = err as NodeJS.ErrnoException & { port?: number };
  if (e?.code !== 'EADDRINUSE' && e?.code !== 'EACCES') return undefined;
  return `port ${e.port ?? '?'} ${e.code === 'EACCES' ? 'needs privileges' : 'is in use'}: give --port another BASE (serve uses BASE, BASE+1, ... one per server)`;
}

function usage(stderr: NodeJS.WritableStream, message: string): number {
  stderr.write(`tlsgate serve: ${message}\n`);
  return EXIT.usage;
}

const untilAborted = (signal: AbortSignal): Promise<void> =>
  signal.aborted ? Promise.resolve() : new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
