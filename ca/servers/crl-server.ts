/**
 * The CRL server (RFC 5280 CRLs over HTTP, as a CRL distribution point serves them). Paths:
 *   /<ns>/<ca>.crl            the CA's current CRL (DER; `?format=pem` for PEM)
 *   /<ns>/<ca>.delta.crl      a delta CRL on the current base (lifted holds as removeFromCRL)
 *   /<ns>/<ca>.indirect.crl   an indirect CRL signed by <ca> covering every CA of the PKI
 *   /<ns>/<ca>.crt            the CA certificate (AIA caIssuers)
 * Every CRL is issued at request time from the registry, so a revocation shows in the next
 * fetch. Faults: the transport ones, plus stale, future and wrong-key.
 */
import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { AttachedPki, PkiDirectory } from './attached-pki.js';
import { subjectNameDer } from '../asn1/certificate-name.js';
import { crlPem, issueCrl, type CrlEntry, type CrlOptions } from '../revocation/crl.js';
import { describeAnswer, LoopbackHttpServer, requestUrl, safeDecode, TRANSPORT_FAULTS, type HandlerResult, type HttpAnswer, type LoopbackHttpOptions } from './loopback-http.js';
import type { Revocation } from '../revocation/revocation-registry.js';
import type { Fault } from '../revocation/revocation-types.js';
import { defaultHash } from '../asn1/signer.js';
import { unrelatedKey } from '../issue/unrelated-key.js';

const PATH = /^\/([^/]+)\/([^/]+?)(\.delta\.crl|\.indirect\.crl|\.crl|\.crt)$/;
const MINUTE = 60_000;
const DAY = 86_400_000;

type CrlKind = 'base' | 'delta' | 'indirect';
const KIND_OF: Readonly<Record<string, CrlKind>> = { '.crl': 'base', '.delta.crl': 'delta', '.indirect.crl': 'indirect' };

export class CrlServer {
  private constructor(private readonly http: LoopbackHttpServer) {}

  static async start(directory: PkiDirectory, opts: LoopbackHttpOptions = {}): Promise<CrlServer> {
    return new CrlServer(await LoopbackHttpServer.start((req) => answer(directory, req), opts));
  }

  get origin(): string {
    return this.http.origin;
  }

  get address() {
    return this.http.address;
  }

  crlUrl(ns: string, caId: string): string {
    return `${this.origin}/${encodeURIComponent(ns)}/${encodeURIComponent(caId)}.crl`;
  }

  caIssuersUrl(ns: string, caId: string): string {
    return `${this.origin}/${encodeURIComponent(ns)}/${encodeURIComponent(caId)}.crt`;
  }

  close(): Promise<void> {
    return this.http.close();
  }
}

const notFound = (what: string): HandlerResult => ({ answer: { status: 404, contentType: 'text/plain', body: Buffer.from(`${what}\n`) } });

async function answer(directory: PkiDirectory, req: IncomingMessage): Promise<HandlerResult> {
  const started = performance.now();
  const url = requestUrl(req);
  if (req.method !== 'GET' && req.method !== 'HEAD') return { answer: { status: 405, body: Buffer.alloc(0) } };
  const match = PATH.exec(url.pathname);
  if (!match) return notFound('no such CRL: paths are /<namespace>/<ca>.crl');
  const [ns, caId] = [safeDecode(match[1]!), safeDecode(match[2]!)];
  const suffix = match[3]!;
  if (ns === undefined || caId === undefined) return { answer: { status: 400, contentType: 'text/plain', body: Buffer.from('bad percent-encoding in the path\n') } };
  const pki = directory.get(ns);
  const ca = pki?.materials.certs.get(caId);
  if (!pki || !ca || !pki.isIssuer(caId)) return notFound(`no CA '${caId}' in namespace '${ns}'`);

  const fault = pki.faults.lookup('crl', caId);
  const result = suffix === '.crt'
    ? { answer: { status: 200, contentType: 'application/pkix-cert', body: ca.der } }
    : await crlAnswer(pki, caId, KIND_OF[suffix]!, fault, url.searchParams.get('format') === 'pem');
  pki.log.add({
    at: Date.now(),
    server: 'crl',
    method: req.method,
    path: url.pathname + url.search,
    caId,
    serials: [],
    answer: describeAnswer(suffix === '.crt' ? 'certificate' : `${KIND_OF[suffix]} crl`, fault),
    fault: fault?.kind,
    durationMs: Math.round(performance.now() - started),
  });
  return { ...result, ...(fault && TRANSPORT_FAULTS.has(fault.kind) ? { fault } : {}) };
}

async function crlAnswer(pki: AttachedPki, caId: string, kind: CrlKind, fault: Fault | undefined, pem: boolean): Promise<{ answer: HttpAnswer }> {
  const own = kind === 'base' ? pki.ownCrls.get(caId) : undefined;
  if (!own && !pki.canSign(caId)) return notFound(`no CRL for '${caId}': tlsgate holds neither its key nor a CRL file of it`) as { answer: HttpAnswer };
  // the owner's CRL as written; only content faults that need no signature could apply, so none do
  const der = own ?? await buildCrl(pki, caId, kind, fault);
  return pem
    ? { answer: { status: 200, contentType: 'application/x-pem-file', body: Buffer.from(crlPem(der)) } }
    : { answer: { status: 200, contentType: 'application/pkix-crl', body: der } };
}

/** the CA's CRL as the registry stands now, with the content fault applied */
export async function buildCrl(pki: AttachedPki, caId: string, kind: CrlKind, fault: Fault | undefined): Promise<Buffer> {
  const ca = pki.materials.get(caId);
  const key = pki.materials.key(caId);
  const now = Date.now();
  const window = crlWindow(now, fault);
  const number = pki.nextCrlNumber(caId, kind);
  const opts: CrlOptions = {
    issuer: { certDer: ca.der, key, hash: defaultHash(key.algorithm) },
    ...window,
    crlNumber: number,
    entries: entriesFor(pki, caId, kind),
    // a base CRL points at its delta, so clients that use deltas (openssl -use_deltas) find it
    ...(kind === 'base' ? { freshestCrlUrl: pki.endpoints.crlUrl(caId).replace(/\.crl$/, '.delta.crl') } : {}),
    ...(kind === 'delta' ? { deltaOf: pki.baseCrlNumber(caId) ?? number - 1n } : {}),
    ...(kind === 'indirect' ? { indirect: true } : {}),
    ...(fault?.kind === 'wrong-key' ? { signingKey: await unrelatedKey(key.algorithm) } : {}),
  };
  const der = await issueCrl(opts);
  pki.audit.record({
    event: 'crl-published',
    ca: caId,
    kind,
    number: number.toString(),
    thisUpdate: window.thisUpdate.toISOString(),
    nextUpdate: window.nextUpdate.toISOString(),
    entries: opts.entries.map((e) => ({ serial: e.serialHex, reason: e.reason ?? 'unspecified', time: e.revokedAt.toISOString() })),
    ...(fault ? { fault: fault.kind } : {}),
  });
  return der;
}

/** backdated a few minutes like real CAs do, so a client's slightly slow clock still accepts it */
function crlWindow(now: number, fault: Fault | undefined): { thisUpdate: Date; nextUpdate: Date } {
  if (fault?.kind === 'stale') return { thisUpdate: new Date(now - 8 * DAY), nextUpdate: new Date(now - DAY) };
  if (fault?.kind === 'future') return { thisUpdate: new Date(now + DAY), nextUpdate: new Date(now + 8 * DAY) };
  return { thisUpdate: new Date(now - 5 * MINUTE), nextUpdate: new Date(now + 7 * DAY) };
}

function entriesFor(pki: AttachedPki, caId: string, kind: CrlKind): CrlEntry[] {
  const entry = (r: Revocation, reason = r.reason): CrlEntry => ({
    serialHex: r.serialHex,
    revokedAt: r.revokedAt,
    reason,
    ...(r.invalidityDate ? { invalidityDate: r.invalidityDate } : {}),
  });
  if (kind === 'base') return pki.registry.issuedBy(caId).map((r) => entry(r));
  if (kind === 'delta') {
    return [...pki.registry.issuedBy(caId).map((r) => entry(r)), ...pki.registry.liftedFrom(caId).map((r) => entry(r, 'removeFromCRL'))];
  }
  // indirect: every revoked certificate of the PKI, each naming its real issuer
  return pki.registry.all().map((r) => {
    const issuerId = pki.materials.get(r.certId).issuerId;
    const issuerDer = issuerId !== undefined ? subjectNameDer(pki.materials.get(issuerId).der) : undefined;
    return { ...entry(r), ...(issuerDer ? { certificateIssuerDer: issuerDer } : {}) };
  });
}
