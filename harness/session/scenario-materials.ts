/**
 * The certificates a scenario can refer to by id: generated ones (from the factory) and a user's
 * PEM files, behind one lookup. The engine builds TLS plans from this, never from raw files.
 */
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parsedCertificate, signedBy } from '../model/parsed-certificates.js';
import type { Materials } from '../../ca/issue/materials.js';
import { ScenarioError } from '../model/internal-fault.js';
import type { PemFileRef } from '../model/domain.js';
import { pemBlocks } from '../../ca/asn1/pem-blocks.js';
import type { ReadCrl } from '../../ca/revocation/crl-files.js';
import { bundleIds } from '../model/bundle-ids.js';

export interface CertMaterial {
  readonly id: string;
  readonly pem: string;
  readonly der: Buffer;
  readonly keyPem: string | undefined;
  readonly x509: X509Certificate;
}

export class ScenarioMaterials {
  private readonly byId = new Map<string, CertMaterial>();
  /** nominalIssuer of PEM files, found once */
  private readonly issuers = new Map<string, string | undefined>();

  constructor(readonly generated: Materials | undefined, files: ReadonlyMap<string, CertMaterial>, readonly crls: readonly TeamCrl[] = []) {
    for (const [id, cert] of generated?.certs ?? []) {
      this.byId.set(id, { id, pem: cert.pem, der: cert.der, keyPem: cert.keyPem, get x509() { return x509Of(cert.der); } });
    }
    for (const [id, m] of files) this.byId.set(id, m);
  }

  /** a team's file, not a certificate tlsgate generated */
  isFromFiles(id: string): boolean {
    return !this.generated?.certs.has(id) && this.byId.has(id);
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }

  get(id: string): CertMaterial {
    const m = this.byId.get(id);
    if (!m) throw new ScenarioError(`no certificate with id '${id}' in this scenario's PKI`);
    return m;
  }

  keyOf(id: string): string {
    const key = this.get(id).keyPem;
    if (!key) throw new ScenarioError(`certificate '${id}' has no private key (give 'key:' for it under pki.files)`);
    return key;
  }

  /**
   * ids from `id` up to its root, leaf first, following `nominalIssuer`: so a PEM file whose link
   * OpenSSL cannot use (a wrong issuer name, a bad signature) is still served with its issuers,
   * and a generated certificate issued by a files CA continues into the files
   */
  pathToRoot(id: string): string[] {
    const generated = this.generated?.certs.has(id) ? this.generated.pathToRoot(id) : undefined;
    const top = generated?.at(-1);
    // a generated certificate's path goes on into the files when a files CA issued it
    const filesIssuer = top !== undefined ? this.generated!.get(top).issuerId : undefined;
    if (generated && (filesIssuer === undefined || !this.isFromFiles(filesIssuer))) return generated;
    const path = generated ?? [id];
    for (let issuer = filesIssuer ?? this.nominalIssuer(id); issuer !== undefined && !path.includes(issuer) && path.length < 16; issuer = this.nominalIssuer(issuer)) {
      path.push(issuer);
    }
    return path;
  }

  /**
   * The certificate that issued `id` as far as tlsgate can tell, also where OpenSSL cannot link
   * the two: the spec's issuer for a generated certificate; for a PEM file, the certificate
   * OpenSSL would take, else another whose key verifies its signature (the issuer name is wrong),
   * else one whose subject is its issuer name (the signature is). Undefined for a self-issued
   * certificate or an issuer that is not in this PKI.
   */
  nominalIssuer(id: string): string | undefined {
    if (this.generated?.certs.has(id)) return this.generated.get(id).issuerId;
    if (!this.issuers.has(id)) this.issuers.set(id, this.findIssuer(this.get(id).x509, id));
    return this.issuers.get(id);
  }

  private findIssuer(cert: X509Certificate, id: string): string | undefined {
    if (isSelfIssued(cert)) return undefined;
    const others = [...this.byId.values()].filter((c) => c.id !== id);
    return (others.find((c) => cert.checkIssued(c.x509) && signedBy(cert, c.x509))
      ?? others.find((c) => signedBy(cert, c.x509))
      ?? others.find((c) => cert.issuer !== undefined && cert.issuer !== '' && c.x509.subject === cert.issuer))?.id;
  }

  /** a root: generated without an issuer, or a PEM file that names itself as its issuer */
  isSelfIssued(id: string): boolean {
    if (this.generated?.certs.has(id)) return this.generated.get(id).issuerId === undefined;
    return isSelfIssued(this.get(id).x509);
  }

  rootOf(id: string): string {
    return this.pathToRoot(id).at(-1)!;
  }

  /** the certs a peer sends after its leaf by default: its issuers, root excluded */
  defaultChain(id: string): string[] {
    const path = this.pathToRoot(id);
    const last = this.get(path.at(-1)!);
    return path.slice(1, isSelfIssued(last.x509) ? -1 : undefined);
  }

  pems(ids: readonly string[]): string {
    return ids.map((id) => this.get(id).pem.trimEnd() + '\n').join('');
  }
}

const isSelfIssued = (c: X509Certificate): boolean => c.checkIssued(c);

const parsed = new WeakMap<Buffer, X509Certificate>();

/** parsed once per certificate and process: scenarios of a file share their PKI's certificates */
function x509Of(der: Buffer): X509Certificate {
  let x = parsed.get(der);
  if (!x) parsed.set(der, (x = new X509Certificate(der)));
  return x;
}

/** a CRL from a team's file, as written (served as-is at its CA's distribution point) */
export interface TeamCrl extends ReadCrl {
  /** the pki.files id it came from */
  readonly source: string;
  /** the files certificate that signed it (its name is the CRL's issuer and its key verifies it), if any */
  readonly signerId: string | undefined;
}

export interface PemFilesMaterial {
  certs: Map<string, CertMaterial>;
  crls: TeamCrl[];
}

/**
 * Loads a scenario's `pki.files`; the loader already checked that they exist and parse. A
 * bundle's certificates are `<id>`, `<id>#2`… (its key goes with the first).
 */
export async function loadPemFiles(files: Record<string, PemFileRef> | undefined): Promise<PemFilesMaterial> {
  const out: PemFilesMaterial = { certs: new Map(), crls: [] };
  const crls: Array<{ source: string; bytes: Buffer }> = [];
  for (const [id, ref] of Object.entries(files ?? {})) {
    if (ref.cert !== undefined) {
      const ders = pemBlocks(await readFile(ref.cert, 'utf8'), 'CERTIFICATE');
      const keyPem = ref.key ? await readFile(ref.key, 'utf8') : undefined;
      bundleIds(id, ders.length).forEach((certId, i) => {
        const x509 = parsedCertificate(ders[i]!);
        out.certs.set(certId, { id: certId, pem: x509.toString(), der: x509.raw, keyPem: i === 0 ? keyPem : undefined, x509 });
      });
    }
    if (ref.crl !== undefined) crls.push({ source: id, bytes: await readFile(ref.crl) });
  }
  if (crls.length > 0) {
    // the CRL parser (pkijs) loads only for a team's CRL files
    const { crlsOf, crlSignedBy } = await import('../../ca/revocation/crl-files.js');
    const signerOf = (crl: ReadCrl) => [...out.certs.values()].find((c) => crlSignedBy(crl, c.x509))?.id;
    for (const { source, bytes } of crls) out.crls.push(...crlsOf(bytes).map((c) => ({ ...c, source, signerId: signerOf(c) })));
  }
  return out;
}
