/**
 * The OCSP responder (RFC 6960, with RFC 5019's HTTP profile):
 *   POST /<ns>/<ca>            body: DER OCSPRequest, content-type application/ocsp-request
 *   GET  /<ns>/<ca>/<base64>   the DER request, base64 then URL-encoded, in the path
 * It answers for certificates `<ca>` issued: good, revoked (time and reason) or unknown, signed
 * by the CA or by the delegated signer the PKI's `responders` entry names; the nonce is echoed.
 * A request it cannot parse gets malformedRequest, one about another issuer unauthorized, never
 * a crash. Content faults (stale, future, wrong-key, signer-without-eku, certid-mismatch,
 * nonce-mismatch, unknown-status, ocsp-status) shape the answer; transport faults its delivery.
 */
import { createHash, randomBytes } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import * as asn1 from '@peculiar/asn1-x509';
import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { AttachedPki, PkiDirectory } from './attached-pki.js';
import { subjectNameDer } from '../asn1/certificate-name.js';
import { issueCertificate } from '../issue/certificate.js';
import { describeAnswer, LoopbackHttpServer, requestUrl, safeDecode, TRANSPORT_FAULTS, type HandlerResult, type LoopbackHttpOptions } from './loopback-http.js';
import {
  buildOcspResponse, ocspErrorResponse, OcspRequestError, parseOcspRequest,
  type CertIdFields, type CertStatus, type OcspSigner, type SingleAnswer,
} from '../revocation/ocsp.js';
import type { Fault, OcspErrorStatus } from '../revocation/revocation-types.js';
import { defaultHash, type KeyPair } from '../asn1/signer.js';
import type { ResponderSpec } from '../spec/spec.js';
import { parseTimeSpec } from '../spec/time.js';
import { unrelatedKey } from '../issue/unrelated-key.js';
import type { OcspAnsweredEvent } from '../spec/audit.js';

const CONTENT_TYPE = 'application/ocsp-response';
/** RFC 5019 clients ask about one certificate; a request about hundreds is abuse, not a client */
const MAX_CERT_IDS = 64;
const MINUTE = 60_000;
const DAY = 86_400_000;

export class OcspResponder {
  private constructor(private readonly http: LoopbackHttpServer) {}

  static async start(directory: PkiDirectory, opts: LoopbackHttpOptions = {}): Promise<OcspResponder> {
    return new OcspResponder(await LoopbackHttpServer.start((req, body) => respond(directory, req, body), opts));
  }

  get origin(): string {
    return this.http.origin;
  }

  get address() {
    return this.http.address;
  }

  url(ns: string, caId: string): string {
    return `${this.origin}/${encodeURIComponent(ns)}/${encodeURIComponent(caId)}`;
  }

  close(): Promise<void> {
    return this.http.close();
  }
}

interface Route {
  pki: AttachedPki;
  caId: string;
  requestDer: Buffer;
}

type Decision = { status: OcspErrorStatus; serials: string[]; fault?: Fault } | { answers: SingleAnswer[]; nonce?: Buffer; serials: string[]; fault?: Fault };

async function respond(directory: PkiDirectory, req: IncomingMessage, body: Buffer): Promise<HandlerResult> {
  const started = performance.now();
  const url = requestUrl(req);
  const route = routeOf(directory, req, url, body);
  if ('answer' in route) return route;
  const { pki, caId } = route;
  let decision: Decision;
  try {
    decision = decide(route);
  } catch (err) {
    if (!(err instanceof OcspRequestError)) throw err;
    decision = { status: 'malformedRequest', serials: [] };
  }
  const bodyDer = 'status' in decision ? ocspErrorResponse(decision.status) : await signedResponse(pki, caId, decision);
  const transport = decision.fault && TRANSPORT_FAULTS.has(decision.fault.kind) ? decision.fault : undefined;
  pki.audit.record(answeredEvent(caId, decision, req));
  pki.log.add({
    at: Date.now(),
    server: 'ocsp',
    method: req.method ?? 'GET',
    path: url.pathname.length > 200 ? `${url.pathname.slice(0, 200)}…` : url.pathname,
    caId,
    serials: decision.serials,
    answer: describeAnswer(answerText(decision), transport),
    fault: decision.fault?.kind,
    durationMs: Math.round(performance.now() - started),
  });
  return { answer: { status: 200, contentType: CONTENT_TYPE, body: bodyDer }, ...(transport ? { fault: transport } : {}) };
}

function answeredEvent(caId: string, decision: Decision, req: IncomingMessage): OcspAnsweredEvent {
  const requester = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
  const fault = decision.fault ? { fault: decision.fault.kind } : {};
  if ('status' in decision) return { event: 'ocsp-answered', ca: caId, answers: [], responseStatus: decision.status, nonce: null, requester, ...fault };
  const answers = decision.answers.map((a) => ({ serial: a.id.serialHex, status: a.status.kind }));
  return { event: 'ocsp-answered', ca: caId, answers, nonce: decision.nonce ? decision.nonce.toString('hex') : null, requester, ...fault };
}

function answerText(decision: Decision): string {
  if ('status' in decision) return decision.status;
  return decision.answers.map((a) => a.status.kind).join(',');
}

/** which PKI and CA the request is for, and its DER; or the HTTP error to send */
function routeOf(directory: PkiDirectory, req: IncomingMessage, url: URL, body: Buffer): Route | HandlerResult {
  const [rawNs, rawCa, ...rest] = url.pathname.split('/').slice(1);
  const plain = (status: number, text: string): HandlerResult => ({ answer: { status, contentType: 'text/plain', body: Buffer.from(`${text}\n`) } });
  if (rawNs === undefined || rawCa === undefined) return plain(404, 'OCSP paths are /<namespace>/<ca>');
  const [ns, ca] = [safeDecode(rawNs), safeDecode(rawCa)];
  if (ns === undefined || ca === undefined) return plain(400, 'bad percent-encoding in the path');
  const pki = directory.get(ns);
  if (!pki || !pki.isIssuer(ca)) return plain(404, `no CA '${ca}' in namespace '${ns}'`);
  if (req.method === 'POST') {
    const type = req.headers['content-type'];
    if (type !== undefined && type.split(';')[0]!.trim().toLowerCase() !== 'application/ocsp-request') {
      return plain(415, 'OCSP requests are application/ocsp-request');
    }
    return { pki, caId: ca, requestDer: body };
  }
  if (req.method === 'GET') {
    // base64 may contain '/', so the request is everything after /<ns>/<ca>/
    const encoded = rest.join('/');
    return { pki, caId: ca, requestDer: decodeGetRequest(encoded) };
  }
  return plain(405, 'OCSP uses GET or POST');
}

/** strict base64 (RFC 5019 GET); anything else becomes an empty request, i.e. malformedRequest */
function decodeGetRequest(encoded: string): Buffer {
  const text = safeDecode(encoded);
  if (text === undefined) return Buffer.alloc(0);
  return /^[A-Za-z0-9+/]*={0,2}$/.test(text) && text.length % 4 === 0 ? Buffer.from(text, 'base64') : Buffer.alloc(0);
}

function decide({ pki, caId, requestDer }: Route): Decision {
  const request = parseOcspRequest(requestDer);
  if (request.ids.length > MAX_CERT_IDS) throw new OcspRequestError(`${request.ids.length} certificates in one request (at most ${MAX_CERT_IDS})`);
  const serials = request.ids.map((id) => id.serialHex);
  if (!request.ids.every((id) => issuedByCa(pki, caId, id))) return { status: 'unauthorized', serials };
  // a team's CA whose key (or delegated signer's) tlsgate was not given: it cannot sign for it
  if (!pki.canSign(responderOf(pki, caId)?.signer ?? caId)) return { status: 'unauthorized', serials };
  const certIds = serials.map((s) => pki.certBySerial(caId, s)).filter((id): id is string => id !== undefined);
  const fault = pki.faults.lookup('ocsp', caId, certIds);
  if (fault?.kind === 'ocsp-status') return { status: fault.status, serials, fault };
  const window = answerWindow(Date.now(), fault, responderOf(pki, caId));
  const answers = request.ids.map((id): SingleAnswer => ({
    id: fault?.kind === 'certid-mismatch' ? { ...id, serialHex: otherSerial(id.serialHex) } : id,
    status: fault?.kind === 'unknown-status' ? { kind: 'unknown' } : statusOf(pki, caId, id.serialHex),
    ...window,
  }));
  const nonce = fault?.kind === 'nonce-mismatch' ? randomBytes(16) : request.nonce;
  return { answers, ...(nonce ? { nonce } : {}), serials, ...(fault ? { fault } : {}) };
}

/**
 * The CertID's issuer hashes are this CA's (whichever hash algorithm the client chose):
 * RFC 6960 4.1.1, the hash of the CA's subject name and of its public key bits.
 */
function issuedByCa(pki: AttachedPki, caId: string, id: CertIdFields): boolean {
  const ca = issuerHashInputs(pki.materials.get(caId).der);
  const hash = (data: Buffer) => createHash(id.hash).update(data).digest();
  return hash(ca.subject).equals(id.issuerNameHash) && hash(ca.publicKey).equals(id.issuerKeyHash);
}

const hashInputs = new WeakMap<Buffer, { subject: Buffer; publicKey: Buffer }>();

/** what CertIDs hash: the CA's subject Name DER and public key bits, parsed once per CA cert */
function issuerHashInputs(der: Buffer): { subject: Buffer; publicKey: Buffer } {
  let inputs = hashInputs.get(der);
  if (!inputs) {
    const tbs = AsnConvert.parse(der, asn1.Certificate).tbsCertificate;
    inputs = { subject: Buffer.from(AsnConvert.serialize(tbs.subject)), publicKey: Buffer.from(tbs.subjectPublicKeyInfo.subjectPublicKey) };
    hashInputs.set(der, inputs);
  }
  return inputs;
}

function statusOf(pki: AttachedPki, caId: string, serialHex: string): CertStatus {
  const certId = pki.certBySerial(caId, serialHex);
  if (certId === undefined) return { kind: 'unknown' };
  const revocation = pki.registry.status(certId);
  return revocation ? { kind: 'revoked', time: revocation.revokedAt, reason: revocation.reason } : { kind: 'good' };
}

/** a serial that differs from the asked one in its last bit */
function otherSerial(serialHex: string): string {
  const last = parseInt(serialHex.slice(-1), 16) ^ 1;
  return serialHex.slice(0, -1) + last.toString(16);
}

const responderOf = (pki: AttachedPki, caId: string): ResponderSpec | undefined =>
  pki.materials.spec.responders?.find((r) => r.ca === caId);

function answerWindow(now: number, fault: Fault | undefined, responder: ResponderSpec | undefined): { thisUpdate: Date; nextUpdate?: Date } {
  if (fault?.kind === 'stale') return { thisUpdate: new Date(now - 2 * DAY), nextUpdate: new Date(now - DAY) };
  if (fault?.kind === 'future') return { thisUpdate: new Date(now + DAY), nextUpdate: new Date(now + 2 * DAY) };
  const thisUpdate = new Date(now - 5 * MINUTE);
  if (responder?.validity === 'none') return { thisUpdate };
  const offset = parseTimeSpec(responder?.validity ?? '+1d');
  const ms = offset?.kind === 'relative' ? offset.offsetMs : DAY;
  return { thisUpdate, nextUpdate: new Date(now + ms) };
}

async function signedResponse(pki: AttachedPki, caId: string, decision: Exclude<Decision, { status: OcspErrorStatus }>): Promise<Buffer> {
  const responder = responderOf(pki, caId);
  const { signer, certs } = decision.fault?.kind === 'signer-without-eku'
    ? await signerWithoutEku(pki, caId)
    : configuredSigner(pki, caId, responder);
  const wrongKey = decision.fault?.kind === 'wrong-key' ? await unrelatedKey(signer.key.algorithm) : undefined;
  return buildOcspResponse({
    signer,
    responderId: responder?.responderId ?? 'name',
    producedAt: new Date(),
    answers: decision.answers,
    ...(decision.nonce ? { nonce: decision.nonce } : {}),
    certs,
    ...(wrongKey ? { signingKey: wrongKey } : {}),
  });
}

function configuredSigner(pki: AttachedPki, caId: string, responder: ResponderSpec | undefined): { signer: OcspSigner; certs: Buffer[] } {
  const signerId = responder?.signer ?? caId;
  const delegated = signerId !== caId;
  const cert = pki.materials.get(signerId);
  const key = pki.materials.key(signerId);
  const include = responder?.includeCerts ?? delegated;
  return { signer: { certDer: cert.der, key, hash: defaultHash(key.algorithm) }, certs: include ? [cert.der] : [] };
}

/** a delegated responder cert the CA really issued, but without id-kp-OCSPSigning; one per CA */
const noEkuSigners = new WeakMap<AttachedPki, Map<string, Promise<{ signer: OcspSigner; certs: Buffer[] }>>>();

function signerWithoutEku(pki: AttachedPki, caId: string): Promise<{ signer: OcspSigner; certs: Buffer[] }> {
  let perCa = noEkuSigners.get(pki);
  if (!perCa) noEkuSigners.set(pki, (perCa = new Map()));
  let signer = perCa.get(caId);
  if (!signer) {
    signer = makeSignerWithoutEku(pki, caId);
    perCa.set(caId, signer);
  }
  return signer;
}

async function makeSignerWithoutEku(pki: AttachedPki, caId: string): Promise<{ signer: OcspSigner; certs: Buffer[] }> {
  const ca = pki.materials.get(caId);
  const key: KeyPair = await unrelatedKey('ec-p256');
  const now = Date.now();
  const der = issueCertificate({
    spec: { id: `${caId}-ocsp-no-eku`, role: 'ocsp-signer', subject: `CN=${caId} OCSP signer without OCSPSigning EKU,O=tlsgate`, extKeyUsage: [] },
    key,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + DAY),
    issuer: { id: caId, subjectDer: subjectNameDer(ca.der), key: pki.materials.key(caId) },
    endpoints: undefined,
  });
  return { signer: { certDer: der, key, hash: 'sha256' }, certs: [der] };
}
