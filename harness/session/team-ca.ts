/**
 * A team's files as a PKI tlsgate's revocation servers serve: every files certificate beside
 * the generated ones, under its files issuer, so that `pki.revoked` and `then: revoke` reach
 * it; CRLs and OCSP answers signed with the team's CA key (or its delegated signer); and the
 * team's own CRL files served as-is. The URLs written in the team's certificates are mapped to
 * these servers (routesFor), since the certificates cannot point at them.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import type { KeyPair } from '../../ca/asn1/signer.js';
import { keyPairFromPem } from '../../ca/issue/keys.js';
import type { IssuedCert, Materials, RevocationEndpoints } from '../../ca/issue/materials.js';
import type { CertSpec, KeyAlgorithm, PkiSpec } from '../../ca/spec/spec.js';
import { ScenarioError } from '../model/internal-fault.js';
import { certFacts } from './revocation/cert-facts.js';
import type { CertMaterial, ScenarioMaterials } from './scenario-materials.js';
import type { ExternalIssuer } from '../../ca/issue/factory.js';

/** generated and files certificates as one Materials (files keys loaded on first use) */
export function teamMaterials(m: ScenarioMaterials, spec: PkiSpec): Materials {
  const certs = new Map<string, IssuedCert>(m.generated?.certs ?? []);
  for (const id of m.ids()) if (m.isFromFiles(id)) certs.set(id, filesCert(m, id));
  const keys = new Map<string, KeyPair>();
  return {
    spec,
    certs,
    get(id) {
      const cert = certs.get(id);
      if (!cert) throw new ScenarioError(`no certificate with id '${id}' in this scenario's PKI`);
      return cert;
    },
    key(id) {
      if (m.generated?.certs.has(id)) return m.generated.key(id);
      let key = keys.get(id);
      if (!key) keys.set(id, (key = filesKey(m, id)));
      return key;
    },
    pathToRoot: (id) => m.pathToRoot(id),
  };
}

/** a team's certificate may be odd (an empty subject, a negative serial): nothing here may throw */
function filesCert(m: ScenarioMaterials, id: string): IssuedCert {
  const c = m.get(id);
  const isCa = c.x509.ca;
  const subject = c.x509.subject ?? '';
  return {
    id,
    spec: { id, role: isCa ? 'intermediate' : 'server', subject: subject.replace(/\n/g, ',') } as CertSpec,
    der: c.der,
    pem: c.pem,
    keyPem: c.keyPem ?? '',
    serialHex: certFacts(c.der).serialHex,
    subject,
    issuerId: m.nominalIssuer(id),
    notBefore: new Date(c.x509.validFrom),
    notAfter: new Date(c.x509.validTo),
    isCa,
    fingerprint256: c.x509.fingerprint256.replace(/:/g, '').toLowerCase(),
  };
}

function filesKey(m: ScenarioMaterials, id: string): KeyPair {
  return filesKeyPair(m.get(id));
}

function filesKeyPair(cert: CertMaterial): KeyPair {
  const pem = cert.keyPem;
  if (pem === undefined) throw new ScenarioError(`tlsgate holds no private key of '${cert.id}' (pki.files): add key: <path> under pki.files.${cert.id.replace(/#\d+$/, '')}`);
  return keyPairFromPem(algorithmOf(createPrivateKey(pem)), pem);
}

/**
 * The files CAs that generated certificates name as `issuer`, with their keys: tlsgate issues
 * those certificates as the team's CA (the loader checked each is a CA whose key is given).
 */
export function externalIssuersOf(spec: PkiSpec, files: ReadonlyMap<string, CertMaterial>): Map<string, ExternalIssuer> {
  const out = new Map<string, ExternalIssuer>();
  for (const c of spec.certs) {
    const ca = c.issuer !== undefined ? files.get(c.issuer) : undefined;
    if (ca && !out.has(ca.id)) out.set(ca.id, { der: ca.der, key: filesKeyPair(ca) });
  }
  return out;
}

/** the spec's name for the key's algorithm: what picks the signature algorithm */
function algorithmOf(key: KeyObject): KeyAlgorithm {
  const d = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'ec':
      return d.namedCurve === 'secp384r1' ? 'ec-p384' : d.namedCurve === 'secp521r1' ? 'ec-p521' : 'ec-p256';
    case 'ed25519':
      return 'ed25519';
    case 'rsa-pss':
      return 'rsa-pss-2048';
    default: {
      const bits = d.modulusLength ?? 2048;
      return bits >= 4096 ? 'rsa-4096' : bits >= 3072 ? 'rsa-3072' : bits >= 2048 ? 'rsa-2048' : bits >= 1024 ? 'rsa-1024' : 'rsa-512';
    }
  }
}

/** the team's own CRL of each files CA (the first given), DER as written: served as-is */
export function teamCrlsByCa(m: ScenarioMaterials): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const crl of m.crls) {
    if (crl.signerId !== undefined && !out.has(crl.signerId)) out.set(crl.signerId, crl.der);
  }
  return out;
}

/**
 * URL in a team's certificate -> tlsgate's server for it: the CRL distribution points and the
 * AIA OCSP and caIssuers URLs of every certificate a files CA issued (a generated one too), to
 * its issuer's CRL, responder and certificate. Whatever host they name, the fetches of this run land on loopback.
 */
export function routesFor(m: ScenarioMaterials, endpoints: RevocationEndpoints): Map<string, string> {
  const routes = new Map<string, string>();
  for (const id of m.ids()) {
    const issuer = m.nominalIssuer(id);
    // a generated certificate issued by a files CA may name the team's URLs too
    if (issuer === undefined || !(m.isFromFiles(id) || m.isFromFiles(issuer))) continue;
    const facts = certFacts(m.get(id).der);
    for (const url of facts.crlUrls) routes.set(url, endpoints.crlUrl(issuer));
    for (const url of facts.ocspUrls) routes.set(url, endpoints.ocspUrl(issuer));
    for (const url of facts.caIssuersUrls) routes.set(url, endpoints.caIssuersUrl(issuer));
  }
  return routes;
}
