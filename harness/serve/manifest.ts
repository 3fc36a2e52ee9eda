/**
 * What `tlsgate serve` writes: every certificate, key, chain and (for clients) PKCS#12 bundle of
 * the PKI, and manifest.json describing them: the revocation pointers each certificate carries
 * (read from its extensions) and the URLs of this serve that answer about it.
 * Files are written atomically and the manifest last, so a reader never sees half a PKI.
 */
import { join } from 'node:path';
import { certFacts } from '../session/revocation/cert-facts.js';
import { writeFileAtomic } from '../../ca/issue/atomic-file.js';
import type { Materials } from '../../ca/issue/materials.js';
import { pkcs12 } from '../../ca/issue/pkcs12.js';
import type { PkiHandle } from '../../ca/servers/revocation-servers.js';
import type { HttpsEndpoint } from './https-endpoints.js';

export const MANIFEST_FORMAT = 'tlsgate-serve/1';
export const PKCS12_PASSPHRASE = 'tlsgate';

export interface ManifestEntry {
  id: string;
  role: string;
  subject: string;
  serial: string;
  issuer: string | null;
  notBefore: string;
  notAfter: string;
  revoked: { reason: string; time: string } | null;
  files: { cert: string; key: string; chain: string; pkcs12?: string };
  /** the first CRL distribution point URI the certificate names; null when it names none */
  crlUrl: string | null;
  /** the first OCSP URI of its authorityInfoAccess; null when it names none */
  ocspUrl: string | null;
  /** every CDP URI and every AIA OCSP URI the certificate names, in its order */
  crlUrls: string[];
  ocspUrls: string[];
  /** this serve's CRL and OCSP URLs for its issuer (they answer whatever the certificate names); null for a root */
  servedBy: { crl: string; ocsp: string } | null;
  /** its HTTPS endpoint (a server certificate); also on [::1] when the certificate names ::1 */
  https?: string;
  httpsUrls?: string[];
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  crlServer: string;
  ocspResponder: string;
  /** `--port` (fixed ports, a restart reuses this PKI), or null (ports the system picked) */
  port: number | null;
  /** what the PKI was issued from and when: a restart with the same --port and spec reissues nothing */
  specDigest: string;
  issuedAt: string;
  /** the faults injected, as --fault values */
  faults: string[];
  pkcs12Passphrase: string;
  certificates: ManifestEntry[];
}

/** how this run was set up, recorded in the manifest */
export interface ServeSetup {
  origins: { crl: string; ocsp: string };
  port: number | null;
  specDigest: string;
  issuedAt: Date;
  faults: string[];
}

/** every file a manifest names (what cleaning a previous serve's folder removes) */
export const filesOf = (m: Pick<Manifest, 'certificates'>): string[] => m.certificates.flatMap((c) => Object.values(c.files));

export async function writePki(out: string, m: Materials, pki: PkiHandle, endpoints: readonly HttpsEndpoint[], setup: ServeSetup): Promise<Manifest> {
  const entries: ManifestEntry[] = [];
  for (const cert of m.certs.values()) {
    const files = { cert: `${cert.id}.pem`, key: `${cert.id}.key`, chain: `${cert.id}.chain.pem` };
    const chainIds = m.pathToRoot(cert.id);
    await writeFileAtomic(join(out, files.cert), cert.pem, { mode: 0o644 });
    await writeFileAtomic(join(out, files.key), cert.keyPem, { mode: 0o600 });
    // leaf and its issuers below the root: what a server or client sends
    await writeFileAtomic(join(out, files.chain), chainIds.slice(0, chainIds.length > 1 ? -1 : undefined).map((id) => m.get(id).pem).join(''), { mode: 0o644 });
    const bundle = cert.spec.role === 'client' ? `${cert.id}.p12` : undefined;
    if (bundle) await writeFileAtomic(join(out, bundle), await pkcs12(cert, chainIds.slice(1, -1).map((id) => m.get(id)), PKCS12_PASSPHRASE), { mode: 0o600 });
    const revoked = pki.registry.status(cert.id);
    const issuer = cert.issuerId;
    const facts = certFacts(cert.der);
    const endpoint = endpoints.find((e) => e.certId === cert.id);
    entries.push({
      id: cert.id,
      role: cert.spec.role,
      subject: cert.subject,
      serial: cert.serialHex,
      issuer: issuer ?? null,
      notBefore: cert.notBefore.toISOString(),
      notAfter: cert.notAfter.toISOString(),
      revoked: revoked ? { reason: revoked.reason, time: revoked.revokedAt.toISOString() } : null,
      files: { ...files, ...(bundle ? { pkcs12: bundle } : {}) },
      crlUrl: facts.crlUrls[0] ?? null,
      ocspUrl: facts.ocspUrls[0] ?? null,
      crlUrls: facts.crlUrls,
      ocspUrls: facts.ocspUrls,
      servedBy: issuer !== undefined && issuer !== cert.id ? { crl: pki.endpoints.crlUrl(issuer), ocsp: pki.endpoints.ocspUrl(issuer) } : null,
      ...(endpoint ? { https: endpoint.urls[0]!, httpsUrls: endpoint.urls } : {}),
    });
  }
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    crlServer: setup.origins.crl,
    ocspResponder: setup.origins.ocsp,
    port: setup.port,
    specDigest: setup.specDigest,
    issuedAt: setup.issuedAt.toISOString(),
    faults: setup.faults,
    pkcs12Passphrase: PKCS12_PASSPHRASE,
    certificates: entries,
  };
  await writeFileAtomic(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n', { mode: 0o644 });
  return manifest;
}
