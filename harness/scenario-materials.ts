/**
 * The certificates a scenario can refer to by id: generated ones (from the factory) and a user's
 * PEM files, behind one lookup. The engine builds TLS plans from this, never from raw files.
 */
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Materials } from '../ca/materials.js';
import { ScenarioError } from './internal-fault.js';
import type { PemFileRef } from './model.js';

export interface CertMaterial {
  readonly id: string;
  readonly pem: string;
  readonly der: Buffer;
  readonly keyPem: string | undefined;
  readonly x509: X509Certificate;
}

export class ScenarioMaterials {
  private readonly byId = new Map<string, CertMaterial>();

  constructor(readonly generated: Materials | undefined, files: ReadonlyMap<string, CertMaterial>) {
    for (const [id, cert] of generated?.certs ?? []) {
      this.byId.set(id, { id, pem: cert.pem, der: cert.der, keyPem: cert.keyPem, get x509() { return x509Of(cert.der); } });
    }
    for (const [id, m] of files) this.byId.set(id, m);
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

  /** ids from `id` up to its root, leaf first; generated certs use the spec, files their signatures */
  pathToRoot(id: string): string[] {
    if (this.generated?.certs.has(id)) return this.generated.pathToRoot(id);
    const path = [id];
    let current = this.get(id);
    while (!isSelfIssued(current.x509) && path.length < 16) {
      const issuer = [...this.byId.values()].find((c) => c.id !== current.id && current.x509.checkIssued(c.x509) && current.x509.verify(c.x509.publicKey));
      if (!issuer || path.includes(issuer.id)) break;
      path.push(issuer.id);
      current = issuer;
    }
    return path;
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

/** Loads a scenario's `pki.files`; the loader already checked that they exist and parse. */
export async function loadPemFiles(files: Record<string, PemFileRef> | undefined): Promise<Map<string, CertMaterial>> {
  const out = new Map<string, CertMaterial>();
  for (const [id, ref] of Object.entries(files ?? {})) {
    const pem = await readFile(ref.cert, 'utf8');
    const x509 = new X509Certificate(pem);
    const keyPem = ref.key ? await readFile(ref.key, 'utf8') : undefined;
    out.set(id, { id, pem: x509.toString(), der: x509.raw, keyPem, x509 });
  }
  return out;
}
