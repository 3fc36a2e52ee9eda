/**
 * OCSP (RFC 6960, profiled by RFC 5019): CertIDs, requests and signed responses built with pkijs
 * and signed with node:crypto, plus strict parsers for both directions. The request parser is
 * the responder's front door, so everything malformed becomes an OcspRequestError (answered
 * with malformedRequest), never another exception.
 */
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import {
  extension, findExtension, generalizedTime, parseCertificate, publicKeyBits, serialHexOf, serialInteger, sha1, wholeSeconds,
} from '../asn1/asn1-values.js';
import { subjectNameDer } from '../asn1/certificate-name.js';
import { parseDer, pkijsFromDer, toDer } from '../asn1/der.js';
import { signatureAlgorithmFor, signatureBits } from '../asn1/pkijs-signature.js';
import type { OcspErrorStatus } from './revocation-types.js';
import { reasonCode, reasonFromCode } from './revocation-reason.js';
import type { KeyPair } from '../asn1/signer.js';
import type { RevocationReason, SignatureHash } from '../spec/spec.js';

/** the CertID hash algorithms a request may use: RFC 6960 allows any, OpenSSL offers these */
export type CertIdHash = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

export interface CertIdFields {
  hash: CertIdHash;
  issuerNameHash: Buffer;
  issuerKeyHash: Buffer;
  serialHex: string;
}

export interface ParsedOcspRequest {
  ids: CertIdFields[];
  nonce?: Buffer;
}

export class OcspRequestError extends Error {
  override name = 'OcspRequestError';
}

export type CertStatus = { kind: 'good' } | { kind: 'revoked'; time: Date; reason?: RevocationReason } | { kind: 'unknown' };

export interface SingleAnswer {
  id: CertIdFields;
  status: CertStatus;
  thisUpdate: Date;
  nextUpdate?: Date;
}

export interface OcspSigner {
  certDer: Buffer;
  key: KeyPair;
  hash: SignatureHash;
}

export interface OcspResponseOptions {
  /** the CA itself or a delegated responder cert */
  signer: OcspSigner;
  /** default 'name' (byName = signer cert subject); 'key' = byKey SHA-1 of the signer public key */
  responderId?: 'name' | 'key';
  producedAt: Date;
  answers: readonly SingleAnswer[];
  /** echoed in responseExtensions when given */
  nonce?: Buffer;
  /** DER certs for BasicOCSPResponse.certs (e.g. the delegated signer cert); empty/undefined = none */
  certs?: readonly Buffer[];
  /** sign with another key (fault "wrong-key"); signer cert and responderId unchanged */
  signingKey?: KeyPair;
}

export interface ParsedBasicResponse {
  tbsDer: Buffer;
  signature: Buffer;
  signatureAlgorithmOid: string;
  signatureAlgorithmDer: Buffer;
  responderId: { byName?: Buffer; byKey?: Buffer };
  producedAt: Date;
  answers: SingleAnswer[];
  nonce?: Buffer;
  certs: Buffer[];
}

export interface ParsedOcspResponse {
  status: 'successful' | OcspErrorStatus;
  basic?: ParsedBasicResponse;
}

const HASH_OIDS: Readonly<Record<CertIdHash, string>> = {
  sha1: '1.3.14.3.2.26',
  sha224: '2.16.840.1.101.3.4.2.4',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
};
const HASH_LENGTHS: Readonly<Record<CertIdHash, number>> = { sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64 };
const NONCE_OID = '1.3.6.1.5.5.7.48.1.2';
const BASIC_RESPONSE_OID = '1.3.6.1.5.5.7.48.1.1';

const RESPONSE_STATUS_CODES: Readonly<Record<'successful' | OcspErrorStatus, number>> = {
  successful: 0, malformedRequest: 1, internalError: 2, tryLater: 3, sigRequired: 5, unauthorized: 6,
};

const digest = (hash: CertIdHash, data: Uint8Array): Buffer => createHash(hash).update(data).digest();

// ---------------------------------------------------------------- CertID

/**
 * The CertID: hashes of the issuer cert's subject Name and public key bits, so that
 * `certIdFor(ca, ca)` gives the hashes every request about a cert of `ca` carries.
 * OpenSSL (OCSP_cert_to_id) hashes the issuer Name written in `cert` instead; the two are
 * byte-identical in a sound chain and differ only for a cert whose issuer name is wrong.
 */
export function certIdFor(certDer: Buffer, issuerDer: Buffer, hash: CertIdHash = 'sha1'): CertIdFields {
  const cert = parseCertificate(certDer, 'certificate');
  const issuer = parseCertificate(issuerDer, 'issuer certificate');
  return {
    hash,
    issuerNameHash: digest(hash, subjectNameDer(issuerDer)),
    issuerKeyHash: digest(hash, publicKeyBits(issuer)),
    serialHex: serialHexOf(cert.serialNumber),
  };
}

function certIdOf(id: CertIdFields): pkijs.CertID {
  return new pkijs.CertID({
    hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: HASH_OIDS[id.hash], algorithmParams: new asn1js.Null() }),
    issuerNameHash: new asn1js.OctetString({ valueHex: new Uint8Array(id.issuerNameHash) }),
    issuerKeyHash: new asn1js.OctetString({ valueHex: new Uint8Array(id.issuerKeyHash) }),
    serialNumber: serialInteger(id.serialHex),
  });
}

function certIdFields(certId: pkijs.CertID): CertIdFields {
  const oid = certId.hashAlgorithm.algorithmId;
  const hash = (Object.keys(HASH_OIDS) as CertIdHash[]).find((h) => HASH_OIDS[h] === oid);
  if (!hash) throw new Error(`CertID hash algorithm ${oid} is not SHA-1, SHA-224, SHA-256, SHA-384 or SHA-512`);
  const params: unknown = certId.hashAlgorithm.algorithmParams; // pkijs types it as any
  if (params !== undefined && !(params instanceof asn1js.Null)) throw new Error('CertID hash algorithm parameters are not NULL');
  const issuerNameHash = Buffer.from(certId.issuerNameHash.valueBlock.valueHexView);
  const issuerKeyHash = Buffer.from(certId.issuerKeyHash.valueBlock.valueHexView);
  if (issuerNameHash.length !== HASH_LENGTHS[hash] || issuerKeyHash.length !== HASH_LENGTHS[hash]) {
    throw new Error(`CertID hashes are not ${HASH_LENGTHS[hash]} bytes long, as ${hash} requires`);
  }
  return { hash, issuerNameHash, issuerKeyHash, serialHex: serialHexOf(certId.serialNumber) };
}

// ---------------------------------------------------------------- nonce

/** OpenSSL's form: the extension value is an OCTET STRING wrapping the nonce */
const nonceExtension = (nonce: Buffer): pkijs.Extension =>
  extension(NONCE_OID, false, new asn1js.OctetString({ valueHex: new Uint8Array(nonce) }));

/** the nonce, unwrapped from its OCTET STRING; a bare value (pre-RFC 8954 clients) is taken as is */
function nonceOf(extensions: readonly pkijs.Extension[] | undefined): Buffer | undefined {
  const ext = findExtension(extensions, NONCE_OID);
  if (!ext) return undefined;
  const raw = ext.extnValue.valueBlock.valueHexView;
  try {
    const inner = parseDer(raw, 'nonce');
    if (inner instanceof asn1js.OctetString && !inner.idBlock.isConstructed) return Buffer.from(inner.valueBlock.valueHexView);
  } catch {
    // not an OCTET STRING: the bare form
  }
  return Buffer.from(raw);
}

// ---------------------------------------------------------------- requests

export function buildOcspRequest(ids: readonly CertIdFields[], opts: { nonce?: Buffer } = {}): Buffer {
  const request = new pkijs.OCSPRequest({
    tbsRequest: new pkijs.TBSRequest({
      requestList: ids.map((id) => new pkijs.Request({ reqCert: certIdOf(id) })),
      // pkijs writes an empty extension list when the key is present at all
      ...(opts.nonce ? { requestExtensions: [nonceExtension(opts.nonce)] } : {}),
    }),
  });
  return toDer(request.toSchema(true));
}

function readOcspRequest(der: Uint8Array): ParsedOcspRequest {
  const request = pkijsFromDer(der, 'OCSP request', (schema) => new pkijs.OCSPRequest({ schema }));
  const tbs = request.tbsRequest;
  if (tbs.version !== undefined && tbs.version !== 0) throw new Error(`OCSP request: version ${tbs.version} is not v1`);
  if (tbs.requestList.length === 0) throw new Error('OCSP request: the requestList is empty');
  const nonce = nonceOf(tbs.requestExtensions);
  return { ids: tbs.requestList.map((r) => certIdFields(r.reqCert)), ...(nonce ? { nonce } : {}) };
}

/** parses a DER OCSPRequest; anything malformed throws OcspRequestError */
export function parseOcspRequest(der: Uint8Array): ParsedOcspRequest {
  try {
    return readOcspRequest(der);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new OcspRequestError(message.startsWith('OCSP request') ? message : `OCSP request: ${message}`, { cause: e });
  }
}

// ---------------------------------------------------------------- responses

const contextTag = (tagNumber: number) => ({ tagClass: 3, tagNumber });

function certStatusBlock(status: CertStatus): asn1js.BaseBlock {
  if (status.kind === 'good') return new asn1js.Primitive({ idBlock: contextTag(0) });
  if (status.kind === 'unknown') return new asn1js.Primitive({ idBlock: contextTag(2) });
  const reason = status.reason === undefined ? [] : [
    new asn1js.Constructed({ idBlock: contextTag(0), value: [new asn1js.Enumerated({ value: reasonCode(status.reason) })] }),
  ];
  return new asn1js.Constructed({ idBlock: contextTag(1), value: [generalizedTime(status.time, 'revocationTime'), ...reason] });
}

function singleResponse(answer: SingleAnswer): pkijs.SingleResponse {
  return new pkijs.SingleResponse({
    certID: certIdOf(answer.id),
    certStatus: certStatusBlock(answer.status),
    thisUpdate: wholeSeconds(answer.thisUpdate, 'thisUpdate'),
    ...(answer.nextUpdate ? { nextUpdate: wholeSeconds(answer.nextUpdate, 'nextUpdate') } : {}),
  });
}

/** byName: the signer's subject; byKey (RFC 6960 4.2.1): SHA-1 of its public key bits */
const responderIdOf = (signerCert: pkijs.Certificate, kind: 'name' | 'key'): pkijs.RelativeDistinguishedNames | asn1js.OctetString =>
  kind === 'name' ? signerCert.subject : new asn1js.OctetString({ valueHex: new Uint8Array(sha1(publicKeyBits(signerCert))) });

function signedBasicResponse(opts: OcspResponseOptions): pkijs.BasicOCSPResponse {
  const signerCert = parseCertificate(opts.signer.certDer, 'OCSP signer certificate');
  const signingKey = opts.signingKey ?? opts.signer.key;
  const data = new pkijs.ResponseData({
    responderID: responderIdOf(signerCert, opts.responderId ?? 'name'),
    producedAt: wholeSeconds(opts.producedAt, 'producedAt'),
    responses: opts.answers.map(singleResponse),
    ...(opts.nonce ? { responseExtensions: [nonceExtension(opts.nonce)] } : {}),
  });
  const tbsDer = toDer(data.toSchema(true));
  // BasicOCSPResponse.toSchema() writes tbsView: the exact bytes that were signed
  data.tbsView = new Uint8Array(tbsDer);
  const certs = (opts.certs ?? []).map((der) => parseCertificate(der, 'OCSP response certificate'));
  return new pkijs.BasicOCSPResponse({
    tbsResponseData: data,
    signatureAlgorithm: signatureAlgorithmFor(signingKey, opts.signer.hash),
    signature: signatureBits(signingKey, opts.signer.hash, tbsDer),
    ...(certs.length > 0 ? { certs } : {}),
  });
}

/** a DER OCSPResponse: status successful, id-pkix-ocsp-basic, signed */
export function buildOcspResponse(opts: OcspResponseOptions): Buffer {
  const response = new pkijs.OCSPResponse({
    responseStatus: new asn1js.Enumerated({ value: RESPONSE_STATUS_CODES.successful }),
    responseBytes: new pkijs.ResponseBytes({
      responseType: BASIC_RESPONSE_OID,
      response: new asn1js.OctetString({ valueHex: signedBasicResponse(opts).toSchema().toBER() }),
    }),
  });
  return toDer(response.toSchema());
}

/** a DER OCSPResponse carrying only an error responseStatus */
export const ocspErrorResponse = (status: OcspErrorStatus): Buffer =>
  toDer(new pkijs.OCSPResponse({ responseStatus: new asn1js.Enumerated({ value: RESPONSE_STATUS_CODES[status] }) }).toSchema());

// ---------------------------------------------------------------- parsing responses

function certStatusOf(block: asn1js.BaseBlock): CertStatus {
  const { tagClass, tagNumber, isConstructed } = block.idBlock;
  if (tagClass === 3 && !isConstructed && tagNumber === 0) return { kind: 'good' };
  if (tagClass === 3 && !isConstructed && tagNumber === 2) return { kind: 'unknown' };
  if (tagClass !== 3 || !isConstructed || tagNumber !== 1) throw new Error('certStatus is not good [0], revoked [1] or unknown [2]');
  const [time, reasonBlock] = (block as asn1js.Constructed).valueBlock.value;
  if (!(time instanceof asn1js.GeneralizedTime)) throw new Error('revokedInfo has no revocationTime');
  if (!reasonBlock) return { kind: 'revoked', time: time.toDate() };
  const reason = (reasonBlock as asn1js.Constructed).valueBlock.value[0];
  if (!(reason instanceof asn1js.Enumerated)) throw new Error('revocationReason is not ENUMERATED');
  return { kind: 'revoked', time: time.toDate(), reason: reasonFromCode(reason.valueBlock.valueDec) };
}

const answerOf = (single: pkijs.SingleResponse): SingleAnswer => ({
  id: certIdFields(single.certID),
  status: certStatusOf(single.certStatus as asn1js.BaseBlock), // pkijs types certStatus as any
  thisUpdate: single.thisUpdate,
  ...(single.nextUpdate ? { nextUpdate: single.nextUpdate } : {}),
});

function responderIdFields(id: unknown): { byName?: Buffer; byKey?: Buffer } {
  // pkijs types responderID as any: a Name for byName, the OCTET STRING for byKey
  if (id instanceof pkijs.RelativeDistinguishedNames) return { byName: toDer(id.toSchema()) };
  if (id instanceof asn1js.OctetString) return { byKey: Buffer.from(id.valueBlock.valueHexView) };
  throw new Error('responderID is neither byName nor byKey');
}

function basicResponseFields(basic: pkijs.BasicOCSPResponse): ParsedBasicResponse {
  const data = basic.tbsResponseData;
  const nonce = nonceOf(data.responseExtensions);
  return {
    tbsDer: Buffer.from(data.tbsView),
    signature: Buffer.from(basic.signature.valueBlock.valueHexView),
    signatureAlgorithmOid: basic.signatureAlgorithm.algorithmId,
    signatureAlgorithmDer: toDer(basic.signatureAlgorithm.toSchema()),
    responderId: responderIdFields(data.responderID),
    producedAt: data.producedAt,
    answers: data.responses.map(answerOf),
    ...(nonce ? { nonce } : {}),
    certs: (basic.certs ?? []).map((c) => toDer(c.toSchema())),
  };
}

function readOcspResponse(der: Uint8Array): ParsedOcspResponse {
  const response = pkijsFromDer(der, 'OCSP response', (schema) => new pkijs.OCSPResponse({ schema }));
  const code = response.responseStatus.valueBlock.valueDec;
  const status = (Object.keys(RESPONSE_STATUS_CODES) as Array<ParsedOcspResponse['status']>).find((s) => RESPONSE_STATUS_CODES[s] === code);
  if (!status) throw new Error(`OCSP response: responseStatus ${code} is not defined by RFC 6960`);
  if (status !== 'successful') return { status };
  const bytes = response.responseBytes;
  if (!bytes) throw new Error('OCSP response: successful but without responseBytes');
  if (bytes.responseType !== BASIC_RESPONSE_OID) throw new Error(`OCSP response: responseType ${bytes.responseType} is not id-pkix-ocsp-basic`);
  const basic = pkijsFromDer(bytes.response.valueBlock.valueHexView, 'BasicOCSPResponse', (schema) => new pkijs.BasicOCSPResponse({ schema }));
  return { status, basic: basicResponseFields(basic) };
}

/** parses a DER OCSPResponse; throws an Error starting "OCSP response" or "BasicOCSPResponse" on malformed input */
export function parseOcspResponse(der: Uint8Array): ParsedOcspResponse {
  try {
    return readOcspResponse(der);
  } catch (e) {
    const message = (e as Error).message;
    throw new Error(/^(OCSP response|BasicOCSPResponse)/.test(message) ? message : `OCSP response: ${message}`, { cause: e });
  }
}
