/**
 * The certificate factory: a PkiSpec in, Materials out. Keys come from the KeyStore (cached
 * forever), certificates from the CertCache (cached per validity window), and only what is
 * missing is made. Certificates are issued as soon as their issuer is, so independent
 * branches of the PKI are made concurrently.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { canonicalSerialHex } from '../asn1/serial-number.js';
import { subjectNameDer } from '../asn1/certificate-name.js';
import { pemBlock } from '../asn1/pem-blocks.js';
import type { IssuerRef } from './certificate.js';
import { CertCache } from './cert-cache.js';
import { ISSUED_FOLDER, KEYS_FOLDER } from './cache-folder.js';
import { basicConstraintsOf, extKeyUsageOf, keyUsageOf, ocspNoCheckOf } from './extension-defaults.js';
import { keyFingerprint, KeyStore, privateKeyPem } from './keys.js';
import type { IssuedCert, Materials, RevocationEndpoints } from './materials.js';
import type { KeyPair } from '../asn1/signer.js';
import type { CertSpec, PkiSpec } from '../spec/spec.js';
import { cacheAnchor, resolveTime } from '../spec/time.js';
import type { AuditSink, IssuedEvent } from '../spec/audit.js';
import { effectiveKey, PkiSpecError, validatePkiSpec } from '../spec/validate-spec.js';
import { defaultValidity } from '../spec/validity-window.js';

export interface IssueOptions {
  /** the material cache folder (keys in `keys/`, certificates in `issued/`); none: memory only */
  cacheDir?: string;
  /** where `auto` URLs point */
  endpoints?: RevocationEndpoints | undefined;
  /** default: the current time */
  now?: Date;
  /** told of every certificate of the PKI, in spec order (cached ones too: this PKI uses them) */
  audit?: AuditSink;
  /** CAs outside the spec that its certificates may name as `issuer`, by id (a team's CA with its key) */
  externalIssuers?: ReadonlyMap<string, ExternalIssuer>;
}

/** a CA certificate tlsgate did not make, and its private key: it signs as that CA */
export interface ExternalIssuer {
  der: Buffer;
  key: KeyPair;
}

/** one KeyStore per cache folder and process, so concurrent scenarios share in-flight keys */
const keyStores = new Map<string, KeyStore>();
const keyStoreFor = (dir: string | undefined): KeyStore => {
  // without a cache folder every PKI gets its own keys: two specs that happen to share ids
  // and subjects must not share keys
  if (dir === undefined) return new KeyStore(undefined);
  let store = keyStores.get(dir);
  if (!store) keyStores.set(dir, (store = new KeyStore(join(dir, KEYS_FOLDER))));
  return store;
};

export async function issuePki(spec: PkiSpec, opts: IssueOptions = {}): Promise<Materials> {
  const now = opts.now ?? new Date();
  const external = opts.externalIssuers ?? new Map<string, ExternalIssuer>();
  const { byId, keyOf } = keySource(spec, { cacheDir: opts.cacheDir, now, externalIssuers: new Set(external.keys()) });
  const cache = new CertCache(opts.cacheDir === undefined ? undefined : join(opts.cacheDir, ISSUED_FOLDER));

  const issued = new Map<string, Promise<IssuedCert>>();
  const issuerOf = async (c: CertSpec): Promise<IssuerInput | undefined> => {
    if (c.issuer === undefined) return undefined;
    const outside = external.get(c.issuer);
    if (outside) return await externalIssuerRef(c.issuer, outside);
    const issuer = byId.get(c.issuer)!;
    const [cert, key] = await Promise.all([issue(issuer), keyOf(issuer)]);
    return { ref: { id: cert.id, subjectDer: subjectNameDer(cert.der), key }, cacheKey: { subject: subjectNameDer(cert.der).toString('hex'), key: keyFingerprint(key) } };
  };
  const issue = (c: CertSpec): Promise<IssuedCert> => {
    let p = issued.get(c.id);
    if (!p) {
      p = issueOne(c, { key: keyOf(c), issuer: issuerOf(c), cache, now, endpoints: opts.endpoints });
      issued.set(c.id, p);
    }
    return p;
  };
  const certs = await Promise.all(spec.certs.map(issue));
  const keyPairs = new Map(await Promise.all(spec.certs.map(async (c) => [c.id, await keyOf(c)] as const)));
  for (const c of certs) opts.audit?.record(issuedEvent(c, effectiveKey(keyOwner(c.spec, byId), byId)));
  return new IssuedPki(spec, new Map(certs.map((c) => [c.id, c])), keyPairs);
}

/**
 * Makes (or finds in the cache folder) every key of `spec`, and nothing else: the slow part of
 * issuing, done before a scenario's deadline starts. It needs neither the run's revocation
 * servers (`auto` URLs) nor a team's CA keys (`externalIssuers` names them), so every
 * scenario's keys can be made ahead, also where its certificates cannot be.
 */
export async function issueKeys(spec: PkiSpec, opts: KeySourceOptions): Promise<void> {
  const { keyOf } = keySource(spec, opts);
  await Promise.all(spec.certs.map(keyOf));
}

interface KeySourceOptions {
  cacheDir: string | undefined;
  now?: Date;
  /** ids of CAs outside the spec that its certificates may name as `issuer` */
  externalIssuers?: ReadonlySet<string>;
}

/** the spec, checked, and where each of its certificates' keys comes from */
function keySource(spec: PkiSpec, opts: KeySourceOptions): { byId: ReadonlyMap<string, CertSpec>; keyOf: (c: CertSpec) => Promise<KeyPair> } {
  const problems = validatePkiSpec(spec, { now: opts.now ?? new Date(), externalIssuers: opts.externalIssuers ?? new Set() });
  if (problems.length) throw new PkiSpecError(problems);
  const byId = new Map(spec.certs.map((c) => [c.id, c] as const));
  const keys = keyStoreFor(opts.cacheDir);
  const keyOf = (c: CertSpec): Promise<KeyPair> => {
    const owner = keyOwner(c, byId);
    return keys.get(effectiveKey(owner, byId), `${owner.id}\n${owner.subject}`);
  };
  return { byId, keyOf };
}

/** the cert whose key `c` uses: itself, or the end of its keyFrom chain */
function keyOwner(c: CertSpec, byId: ReadonlyMap<string, CertSpec>): CertSpec {
  let current = c;
  while (current.keyFrom !== undefined) current = byId.get(current.keyFrom)!;
  return current;
}

/** who signs, and what of it goes into the cache key */
interface IssuerInput {
  ref: IssuerRef;
  cacheKey: { subject: string; key: string; cert?: string };
}

/**
 * A CA outside the spec signs under its own certificate's subject and key identifier; its
 * certificate's fingerprint is in the cache key, so a team's new CA certificate reissues.
 */
async function externalIssuerRef(id: string, ca: ExternalIssuer): Promise<IssuerInput> {
  // pkijs loads only for a team's CA: a generated PKI needs no certificate parsed here
  const { keyIdentifier, parseCertificate } = await import('../asn1/asn1-values.js');
  const subjectDer = subjectNameDer(ca.der);
  const cert = createHash('sha256').update(ca.der).digest('hex');
  return {
    ref: { id, subjectDer, key: ca.key, keyId: keyIdentifier(parseCertificate(ca.der, `issuer certificate '${id}'`)) },
    cacheKey: { subject: subjectDer.toString('hex'), key: keyFingerprint(ca.key), cert },
  };
}

interface IssueInputs {
  key: Promise<KeyPair>;
  issuer: Promise<IssuerInput | undefined>;
  cache: CertCache;
  now: Date;
  endpoints: RevocationEndpoints | undefined;
}

async function issueOne(c: CertSpec, inputs: IssueInputs): Promise<IssuedCert> {
  const [key, issuer] = await Promise.all([inputs.key, inputs.issuer]);
  const spec = withRoleDefaults(c, key);
  const { notBefore, notAfter } = validityOf(spec, inputs.now);
  const issuerRef = issuer?.ref;
  const cacheKey = CertCache.keyOf({
    spec,
    urls: resolvedUrls(spec, issuerRef?.id, inputs.endpoints),
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    key: keyFingerprint(key),
    issuer: issuer?.cacheKey ?? null,
  });
  return inputs.cache.memo(cacheKey, async () => {
    const der = (await inputs.cache.get(cacheKey))
      ?? await inputs.cache.put(cacheKey, (await issuer509()).issueCertificate({ spec, key, notBefore, notAfter, issuer: issuerRef, endpoints: inputs.endpoints }));
    return describe(spec, der, privateKeyPem(key), issuerRef?.id);
  });
}

/**
 * The encoder, loaded on the first certificate the cache does not hold: it brings @peculiar/x509
 * and its ASN.1 schemas (~180 ms), which a run whose certificates are all cached never needs.
 */
const issuer509 = (): Promise<typeof import('./certificate.js')> => import('./certificate.js');

/** relative dates resolve against a rounded "now", so certificates are reusable (see cacheAnchor) */
function validityOf(spec: CertSpec, now: Date): { notBefore: Date; notAfter: Date } {
  const { notBefore: notBeforeSpec, notAfter: notAfterSpec } = defaultValidity(spec);
  const anchor = cacheAnchor(now, [notBeforeSpec, notAfterSpec]);
  return { notBefore: resolveTime(notBeforeSpec, anchor), notAfter: resolveTime(notAfterSpec, anchor) };
}

function resolvedUrls(spec: CertSpec, issuerId: string | undefined, endpoints: RevocationEndpoints | undefined): string[] {
  const usesAuto = [spec.crlDistributionPoints, spec.ocsp, spec.caIssuers].includes('auto');
  if (!usesAuto || !endpoints) return [];
  const ca = issuerId ?? spec.id;
  return [endpoints.crlUrl(ca), endpoints.ocspUrl(ca), endpoints.caIssuersUrl(ca)];
}

/** the spec as issued: every default the factory applied, written out */
function withRoleDefaults(c: CertSpec, key: KeyPair): CertSpec {
  const basicConstraints = basicConstraintsOf(c);
  const extKeyUsage = extKeyUsageOf(c);
  return {
    ...c,
    key: key.algorithm,
    ...(basicConstraints ? { basicConstraints } : {}),
    keyUsage: keyUsageOf(c, key.algorithm),
    ...(extKeyUsage ? { extKeyUsage } : {}),
    ...(ocspNoCheckOf(c) ? { ocspNoCheck: true } : {}),
  };
}

function describe(spec: CertSpec, der: Buffer, keyPem: string, issuerId: string | undefined): IssuedCert {
  const x = new X509Certificate(der);
  return {
    id: spec.id,
    spec,
    der,
    pem: pemBlock(der, 'CERTIFICATE'),
    keyPem,
    serialHex: canonicalSerialHex(x.serialNumber),
    subject: spec.subject,
    issuerId,
    notBefore: new Date(x.validFrom),
    notAfter: new Date(x.validTo),
    isCa: x.ca,
    fingerprint256: createHash('sha256').update(der).digest('hex'),
  };
}

function issuedEvent(c: IssuedCert, key: string): IssuedEvent {
  const san = new X509Certificate(c.der).subjectAltName;
  return {
    event: 'issued',
    cert: c.id,
    serial: c.serialHex,
    subject: c.subject,
    san: san ? san.split(', ') : [],
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    issuer: c.issuerId ?? null,
    key,
    ca: c.isCa,
    fingerprint256: c.fingerprint256,
  };
}

class IssuedPki implements Materials {
  constructor(
    readonly spec: PkiSpec,
    readonly certs: ReadonlyMap<string, IssuedCert>,
    private readonly keys: ReadonlyMap<string, KeyPair>,
  ) {}

  get(id: string): IssuedCert {
    const cert = this.certs.get(id);
    if (!cert) throw new Error(`no certificate '${id}' in this PKI (known: ${[...this.certs.keys()].join(', ')})`);
    return cert;
  }

  key(id: string): KeyPair {
    const key = this.keys.get(id);
    if (!key) throw new Error(`no key for certificate '${id}'`);
    return key;
  }

  pathToRoot(id: string): string[] {
    const path: string[] = [];
    let current = this.certs.get(id);
    while (current && !path.includes(current.id)) {
      path.push(current.id);
      current = current.issuerId !== undefined ? this.certs.get(current.issuerId) : undefined;
    }
    return path;
  }
}
