/**
 * Malformed requests for the OCSP responder and the CRL server, drawn from a seeded generator
 * (the same seed gives the same requests, so a failure is reproducible from the printed seed).
 * Each attack carries its own check: what a correct server answers to exactly that request.
 */
import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import type { CertIdFields } from '../../../ca/revocation/ocsp.js';
import type { Exchanged } from './http-exchange.js';
import { MAX_CERT_IDS, NAMESPACE, type ResponderTarget } from './responder-target.js';

export interface Attack {
  kind: string;
  server: 'ocsp' | 'crl';
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
  chunked?: boolean;
  /** raw TCP bytes instead of an HTTP request */
  raw?: Buffer;
  /** undefined when the answer is right, else what is wrong */
  check(answer: Exchanged): string | undefined;
}

/** the responders' body limit (ca/servers/loopback-http.ts) */
const MAX_BODY = 64 * 1024;
const OCSP_TYPE = { 'content-type': 'application/ocsp-request' };

/** mulberry32: small, fast, and the same sequence everywhere for a seed */
export class Rng {
  private state: number;
  constructor(seed: number) { this.state = seed >>> 0; }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number { return min + Math.floor(this.next() * (max - min + 1)); }
  pick<T>(items: readonly T[]): T { return items[Math.floor(this.next() * items.length)]!; }
  bytes(n: number): Buffer { return Buffer.from(Array.from({ length: n }, () => this.int(0, 255))); }
}

type Maker = (rng: Rng, t: ResponderTarget) => Attack;

const statusIs = (want: (status: number) => boolean, what: string) => (a: Exchanged): string | undefined => {
  if ('error' in a) return a.error;
  return want(a.status) ? undefined : `HTTP ${a.status}, expected ${what}`;
};
const is4xx = statusIs((s) => s >= 400 && s < 500, '4xx');

/** a POST or GET whose answer must be the oracle's OCSP answer (200, application/ocsp-response) */
function ocspAnswerCheck(t: ResponderTarget, requestBody: Buffer) {
  const expected = t.expectationFor(requestBody);
  return (a: Exchanged): string | undefined => {
    if ('error' in a) return a.error;
    if (a.status !== 200) return `HTTP ${a.status}, expected 200 with an OCSP ${expected.status} answer`;
    if (a.contentType !== 'application/ocsp-response') return `content-type ${a.contentType}`;
    return t.checkOcsp(a.body, expected);
  };
}

const post = (t: ResponderTarget, kind: string, body: Buffer, headers: Record<string, string> = OCSP_TYPE): Attack =>
  ({ kind, server: 'ocsp', method: 'POST', path: t.ocspPath, headers, body, check: ocspAnswerCheck(t, body) });

function someIds(rng: Rng, t: ResponderTarget, n: number): CertIdFields[] {
  return Array.from({ length: n }, () => {
    const id = t.certId(rng.pick(['good', 'revoked'] as const), rng.pick(['sha1', 'sha256'] as const));
    return rng.next() < 0.3 ? { ...id, serialHex: rng.bytes(rng.int(1, 20)).toString('hex') } : id;
  });
}

const validRequest = (rng: Rng, t: ResponderTarget): Buffer =>
  t.request(someIds(rng, t, rng.int(1, 3)), rng.next() < 0.7 ? rng.bytes(rng.int(1, 32)) : undefined);

/** base64 as a GET path segment: percent-encoded, as RFC 5019 clients send it */
const getPath = (t: ResponderTarget, der: Buffer): string => `${t.ocspPath}/${encodeURIComponent(der.toString('base64'))}`;

const OCSP_ATTACKS: Readonly<Record<string, Maker>> = {
  'random bytes': (rng, t) => post(t, 'random bytes', rng.bytes(rng.int(0, 2048))),
  'truncated request': (rng, t) => { const der = validRequest(rng, t); return post(t, 'truncated request', der.subarray(0, rng.int(0, der.length - 1))); },
  'bit-flipped request': (rng, t) => {
    const der = Buffer.from(validRequest(rng, t));
    for (let i = rng.int(1, 8); i > 0; i--) der[rng.int(0, der.length - 1)]! ^= 1 << rng.int(0, 7);
    return post(t, 'bit-flipped request', der);
  },
  'request with junk after it': (rng, t) => post(t, 'request with junk after it', Buffer.concat([validRequest(rng, t), rng.bytes(rng.int(1, 64))])),
  'wrong content type': (rng, t) => {
    const type = rng.pick(['text/plain', 'application/json', 'application/ocsp-response', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', '*/*', 'application/ocsp-request-x']);
    return { kind: 'wrong content type', server: 'ocsp', method: 'POST', path: t.ocspPath, headers: { 'content-type': type }, body: validRequest(rng, t), check: statusIs((s) => s === 415, '415') };
  },
  'no content type': (rng, t) => post(t, 'no content type', validRequest(rng, t), {}),
  'bad base64 in GET': (rng, t) => {
    // no '.': a `..` segment would re-route the request (URL normalization), not test base64
    const junk = Array.from({ length: rng.int(0, 120) }, () => rng.pick([...'ABCxyz0189+/=-_~!*()%', '%zz', '%2F', '%00', '%ff', '==', '%3D'])).join('');
    const decodes = ((): Buffer => { try { const s = decodeURIComponent(junk); return /^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 === 0 ? Buffer.from(s, 'base64') : Buffer.alloc(0); } catch { return Buffer.alloc(0); } })();
    return { kind: 'bad base64 in GET', server: 'ocsp', method: 'GET', path: `${t.ocspPath}/${junk}`, check: ocspAnswerCheck(t, decodes) };
  },
  'valid GET': (rng, t) => { const der = validRequest(rng, t); return { kind: 'valid GET', server: 'ocsp', method: 'GET', path: getPath(t, der), check: ocspAnswerCheck(t, der) }; },
  'oversized body': (rng, t) => ({
    kind: 'oversized body', server: 'ocsp', method: 'POST', path: t.ocspPath, headers: OCSP_TYPE,
    body: Buffer.alloc(MAX_BODY + rng.int(1, 200_000), rng.int(0, 255)), chunked: rng.next() < 0.5, check: statusIs((s) => s === 413, '413'),
  }),
  'unknown issuer hashes': (rng, t) => {
    const hash = rng.pick(['sha1', 'sha256'] as const);
    const length = hash === 'sha1' ? 20 : 32;
    const ids = [{ hash, issuerNameHash: rng.bytes(length), issuerKeyHash: rng.bytes(length), serialHex: rng.bytes(8).toString('hex') }];
    return post(t, 'unknown issuer hashes', t.request(rng.next() < 0.5 ? ids : [...someIds(rng, t, 1), ...ids]));
  },
  // a few, the limit, one past it, far past it (signing 64 answers is slow: only a quarter of the time)
  'many certIDs': (rng, t) => post(t, 'many certIDs', t.request(someIds(rng, t, rng.pick([rng.int(2, 8), MAX_CERT_IDS, MAX_CERT_IDS + 1, rng.int(MAX_CERT_IDS + 2, MAX_CERT_IDS * 4)])))),
  'wrong method': (rng, t) => ({ kind: 'wrong method', server: 'ocsp', method: rng.pick(['PUT', 'DELETE', 'PATCH', 'OPTIONS']), path: t.ocspPath, body: rng.bytes(rng.int(0, 100)), check: statusIs((s) => s === 405, '405') }),
  'unknown namespace or CA': (rng, t) => ({
    kind: 'unknown namespace or CA', server: 'ocsp', method: 'POST', headers: OCSP_TYPE, body: validRequest(rng, t),
    path: rng.pick([`/${NAMESPACE}/nobody`, `/other/int`, '/', `/${NAMESPACE}`, `/${NAMESPACE}/good`, `/%E0%A4%A/int`, `/${NAMESPACE}/%ZZ`, `//${NAMESPACE}/int`, '//%zz/int', '//[::1/x']), check: is4xx,
  }),
};

const CRL_ATTACKS: Readonly<Record<string, Maker>> = {
  'CRL with a random query': (rng, t) => {
    const pem = rng.next() < 0.4;
    const query = pem ? '?format=pem' : rng.pick(['', '?', '?x=1', `?format=${rng.bytes(4).toString('hex')}`, '?a=%zz&&&', `?${'q'.repeat(rng.int(1, 2000))}`]);
    return { kind: 'CRL with a random query', server: 'crl', method: rng.pick(['GET', 'HEAD']), path: `${t.crlPath}${query}`, check: crlCheck(t, pem) };
  },
  'CRL random path': (rng) => {
    const segment = () => Array.from({ length: rng.int(0, 30) }, () => rng.pick([...'abc.-_~019', '%41', '%zz', '%00', '.crl', '..'])).join('');
    return { kind: 'CRL random path', server: 'crl', method: 'GET', path: `/${segment()}/${segment()}${rng.pick(['', '.crl', '.delta.crl', '.crt', '.indirect.crl'])}`, check: is4xx };
  },
  'CRL wrong method': (rng, t) => ({ kind: 'CRL wrong method', server: 'crl', method: rng.pick(['POST', 'PUT', 'DELETE', 'PATCH']), path: t.crlPath, body: rng.bytes(rng.int(0, 4096)), check: statusIs((s) => s === 405, '405') }),
  'CRL oversized body': (rng, t) => ({ kind: 'CRL oversized body', server: 'crl', method: 'GET', path: t.crlPath, body: Buffer.alloc(MAX_BODY + rng.int(1, 100_000)), chunked: rng.next() < 0.5, check: statusIs((s) => s === 413, '413') }),
};

const RAW_ATTACK: Maker = (rng) => {
  // never a letter first: a method-like start could wait for the rest of a request line
  const bytes = Buffer.concat([Buffer.from([rng.int(0, 0x40)]), rng.bytes(rng.int(0, 512))]);
  return { kind: 'not HTTP at all', server: rng.pick(['ocsp', 'crl'] as const), method: '', path: '', raw: bytes, check: statusIs((s) => s === 400, '400') };
};

const ALL: ReadonlyArray<Maker> = [...Object.values(OCSP_ATTACKS), ...Object.values(CRL_ATTACKS), RAW_ATTACK];
export const ATTACK_KINDS: readonly string[] = [...Object.keys(OCSP_ATTACKS), ...Object.keys(CRL_ATTACKS), 'not HTTP at all'];

export const nextAttack = (rng: Rng, t: ResponderTarget): Attack => rng.pick(ALL)(rng, t);

function crlCheck(t: ResponderTarget, pem: boolean) {
  return (a: Exchanged): string | undefined => {
    if ('error' in a) return a.error;
    if (a.status !== 200) return `HTTP ${a.status}, expected 200 with the CRL`;
    return a.body.length === 0 ? undefined : t.checkCrl(a.body, pem); // HEAD: no body
  };
}

/** the good requests interleaved with the attacks: the servers must still answer them right */
export function goodOcspRequest(t: ResponderTarget): Attack {
  const body = t.request([t.certId('good'), t.certId('revoked')], cryptoRandomBytes(16));
  return { kind: 'good OCSP request', server: 'ocsp', method: 'POST', path: t.ocspPath, headers: OCSP_TYPE, body, check: ocspAnswerCheck(t, body) };
}

export function goodCrlRequest(t: ResponderTarget): Attack {
  return { kind: 'good CRL request', server: 'crl', method: 'GET', path: t.crlPath, check: crlCheck(t, false) };
}

/** every well-formed request a relying party sends, for the load test */
export const WELL_FORMED: ReadonlyArray<(t: ResponderTarget) => Attack> = [
  goodOcspRequest,
  (t) => {
    const der = t.request([t.certId('revoked', 'sha256')], cryptoRandomBytes(16));
    return { kind: 'good OCSP GET', server: 'ocsp', method: 'GET', path: getPath(t, der), check: ocspAnswerCheck(t, der) };
  },
  goodCrlRequest,
  (t) => ({ kind: 'good CRL as PEM', server: 'crl', method: 'GET', path: `${t.crlPath}?format=pem`, check: crlCheck(t, true) }),
];
