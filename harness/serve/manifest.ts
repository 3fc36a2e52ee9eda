/**
 * What `tlsgate serve` writes: every certificate, key, chain and (for clients) PKCS#12 bundle of
 * the PKI, and manifest.json describing them with the URLs that serve their revocation status.
 * Files are written atomically and the manifest last, so a reader never sees half a PKI.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../../ca/atomic-file.js';
import type { Materials } from '../../ca/materials.js';
import { pkcs12 } from '../../ca/pkcs12.js';
import type { PkiHandle } from '../../ca/revocation-servers.js';
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
  /** where its issuer's CRL and OCSP responder are (what a relying party asks about it) */
  crlUrl: string | null;
  ocspUrl: string | null;
  https?: string;
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  crlServer: string;
  ocspResponder: string;
  pkcs12Passphrase: string;
  certificates: ManifestEntry[];
}

export async function writePki(out: string, m: Materials, pki: PkiHandle, endpoints: readonly HttpsEndpoint[], origins: { crl: string; ocsp: string }): Promise<Manifest> {
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
      crlUrl: issuer ? pki.endpoints.crlUrl(issuer) : null,
      ocspUrl: issuer ? pki.endpoints.ocspUrl(issuer) : null,
      ...withHttps(endpoints.find((e) => e.certId === cert.id)),
    });
  }
  const manifest: Manifest = { format: MANIFEST_FORMAT, crlServer: origins.crl, ocspResponder: origins.ocsp, pkcs12Passphrase: PKCS12_PASSPHRASE, certificates: entries };
  await writeFileAtomic(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n', { mode: 0o644 });
  return manifest;
}

const withHttps = (e: HttpsEndpoint | undefined) => (e ? { https: e.url } : {});
