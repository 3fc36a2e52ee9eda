/**
 * The system under attack: tlsgate's real CRL server and OCSP responder on 127.0.0.1 with a
 * small PKI attached (a root, an intermediate, a good and a revoked leaf), and the oracle that
 * says what a correct answer to any request body is and checks a real answer against it. The
 * checks are independent of the servers' own code paths where it matters: signatures are
 * verified with the CA's public key, statuses against the registry's revocations.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { issuePki } from '../../../ca/issue/factory.js';
import type { Materials } from '../../../ca/issue/materials.js';
import { buildOcspRequest, certIdFor, parseOcspRequest, parseOcspResponse, type CertIdFields, type CertIdHash, type ParsedOcspRequest } from '../../../ca/revocation/ocsp.js';
import { parseCrl } from '../../../ca/revocation/crl.js';
import { RevocationServers } from '../../../ca/servers/revocation-servers.js';
import { verifySignature } from '../../../ca/asn1/signature-verify.js';
import type { PkiSpec } from '../../../ca/spec/spec.js';

export const NAMESPACE = 'fuzz';
/** the responder's own limit (ca/servers/ocsp-responder.ts): a request about more is malformed */
export const MAX_CERT_IDS = 64;

const SPEC: PkiSpec = {
  certs: [
    { id: 'root', role: 'root', subject: 'CN=tlsgate Fuzz Root,O=tlsgate' },
    { id: 'int', role: 'intermediate', issuer: 'root', subject: 'CN=tlsgate Fuzz Intermediate,O=tlsgate', crlDistributionPoints: 'auto', ocsp: 'auto' },
    { id: 'good', role: 'server', issuer: 'int', subject: 'CN=good.fuzz', ocsp: 'auto', crlDistributionPoints: 'auto' },
    { id: 'revoked', role: 'server', issuer: 'int', subject: 'CN=revoked.fuzz', ocsp: 'auto', crlDistributionPoints: 'auto' },
  ],
  revoked: [{ cert: 'revoked', reason: 'keyCompromise' }],
};

/** what a correct responder answers to a request body */
export type OcspExpectation =
  | { status: 'malformedRequest' | 'unauthorized' }
  | { status: 'successful'; request: ParsedOcspRequest };

export class ResponderTarget {
  private readonly caKey: KeyObject;

  private constructor(readonly servers: RevocationServers, readonly materials: Materials) {
    this.caKey = createPublicKey(materials.get('int').pem);
  }

  static async start(): Promise<ResponderTarget> {
    const servers = await RevocationServers.start();
    try {
      const materials = await issuePki(SPEC, { endpoints: servers.endpointsFor(NAMESPACE) });
      const pki = servers.attach(NAMESPACE, materials);
      pki.registry.revoke('revoked', { reason: 'keyCompromise' });
      return new ResponderTarget(servers, materials);
    } catch (err) {
      await servers.close();
      throw err;
    }
  }

  get ocspPort(): number { return this.servers.ocsp.address.port; }
  get crlPort(): number { return this.servers.crl.address.port; }
  readonly ocspPath = `/${NAMESPACE}/int`;
  readonly crlPath = `/${NAMESPACE}/int.crl`;

  certId(certId: 'good' | 'revoked', hash: CertIdHash = 'sha1'): CertIdFields {
    return certIdFor(this.materials.get(certId).der, this.materials.get('int').der, hash);
  }

  request(ids: readonly CertIdFields[], nonce?: Buffer): Buffer {
    return buildOcspRequest(ids, nonce ? { nonce } : {});
  }

  /** what the responder must answer to this body (it shares the parser; the rest is ours) */
  expectationFor(body: Uint8Array): OcspExpectation {
    let request: ParsedOcspRequest;
    try {
      request = parseOcspRequest(body);
    } catch {
      return { status: 'malformedRequest' };
    }
    if (request.ids.length > MAX_CERT_IDS) return { status: 'malformedRequest' };
    if (!request.ids.every((id) => this.isOurs(id))) return { status: 'unauthorized' };
    return { status: 'successful', request };
  }

  /** undefined when `body` is exactly a correct answer; else what is wrong with it */
  checkOcsp(body: Buffer, expected: OcspExpectation): string | undefined {
    let parsed: ReturnType<typeof parseOcspResponse>;
    try {
      parsed = parseOcspResponse(body);
    } catch (err) {
      return `not a well-formed OCSP response: ${(err as Error).message}`;
    }
    if (parsed.status !== expected.status) return `responseStatus ${parsed.status}, expected ${expected.status}`;
    if (expected.status !== 'successful') return undefined;
    const basic = parsed.basic!;
    if (!verifySignature(basic.signatureAlgorithmDer, this.caKey, basic.tbsDer, basic.signature)) return 'signature does not verify with the CA key';
    const { ids, nonce } = expected.request;
    if (basic.answers.length !== ids.length) return `${basic.answers.length} answers for ${ids.length} certIDs`;
    for (const [i, answer] of basic.answers.entries()) {
      if (!sameId(answer.id, ids[i]!)) return `answer ${i} names another certID`;
      const want = this.statusOf(ids[i]!.serialHex);
      if (answer.status.kind !== want) return `answer ${i}: ${answer.status.kind}, expected ${want}`;
    }
    if (!(nonce ? basic.nonce?.equals(nonce) : basic.nonce === undefined)) return 'nonce not echoed exactly';
    return undefined;
  }

  /** undefined when `body` is the intermediate's CRL, signed by it, listing the revoked leaf */
  checkCrl(body: Buffer, pem: boolean): string | undefined {
    try {
      const der = pem ? Buffer.from(body.toString('latin1').replace(/-----[^-]+-----|\s/g, ''), 'base64') : body;
      const crl = parseCrl(der);
      if (!verifySignature(crl.signatureAlgorithmDer, this.caKey, crl.tbsDer, crl.signature)) return 'CRL signature does not verify with the CA key';
      const revoked = canonical(this.materials.get('revoked').serialHex);
      if (!crl.entries.some((e) => canonical(e.serialHex) === revoked)) return 'the revoked leaf is not on the CRL';
      return undefined;
    } catch (err) {
      return `not a well-formed CRL: ${(err as Error).message}`;
    }
  }

  close(): Promise<void> {
    return this.servers.close();
  }

  private isOurs(id: CertIdFields): boolean {
    const ours = this.certId('good', id.hash);
    return id.issuerNameHash.equals(ours.issuerNameHash) && id.issuerKeyHash.equals(ours.issuerKeyHash);
  }

  private statusOf(serialHex: string): 'good' | 'revoked' | 'unknown' {
    const serial = canonical(serialHex);
    if (serial === canonical(this.materials.get('good').serialHex)) return 'good';
    if (serial === canonical(this.materials.get('revoked').serialHex)) return 'revoked';
    return 'unknown';
  }
}

const canonical = (hex: string): string => hex.toLowerCase().replace(/^(?:00)+(?=.)/, '');

const sameId = (a: CertIdFields, b: CertIdFields): boolean =>
  a.hash === b.hash && a.issuerNameHash.equals(b.issuerNameHash) && a.issuerKeyHash.equals(b.issuerKeyHash) && canonical(a.serialHex) === canonical(b.serialHex);
