/**
 * Issued certificates on disk, keyed by everything that shapes their bytes: the spec (with
 * `auto` URLs resolved), the resolved validity dates, the subject's and the issuer's keys and
 * the issuer's name. A warm run finds every certificate here; a change to any input misses.
 * Entries are written once and never rewritten (keep-first), so concurrent runs agree.
 */
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readIfExists, writeFileAtomic } from './atomic-file.js';
import { isWholeDerSequence } from '../asn1/der-envelope.js';
import { pemBlock, pemBlocks } from '../asn1/pem-blocks.js';
import { markUsedLater } from './cache-folder.js';
import type { IssuedCert } from './materials.js';

/** bump when the factory changes what it writes for the same inputs */
const FORMAT = 1;

/** issued certificates already described in this process, by cache folder and key */
const described = new Map<string, Promise<IssuedCert>>();
/** a long-running process (serve, a huge generated suite) must not grow without bound */
const MAX_DESCRIBED = 20_000;

export class CertCache {
  constructor(private readonly dir: string | undefined) {}

  /**
   * The certificate for `key`, made by `make` only if this process has not described it yet:
   * a run's scenarios share their file's PKI, so each certificate is read from disk once.
   */
  memo(key: string, make: () => Promise<IssuedCert>): Promise<IssuedCert> {
    if (!this.dir) return make();
    const slot = `${this.dir}\0${key}`;
    let cert = described.get(slot);
    if (!cert) {
      if (described.size >= MAX_DESCRIBED) described.clear();
      cert = make();
      described.set(slot, cert);
      cert.catch(() => described.delete(slot));
    }
    return cert;
  }

  static keyOf(inputs: unknown): string {
    return createHash('sha256').update(JSON.stringify({ format: FORMAT, inputs })).digest('hex');
  }

  async get(key: string): Promise<Buffer | undefined> {
    if (!this.dir) return undefined;
    const path = this.path(key);
    const pem = await readIfExists(path);
    if (pem === undefined) return undefined;
    const der = wholeCertificate(pem);
    if (der) markUsedLater(path);
    // a damaged entry goes, so the certificate issued in its place can be stored
    else await rm(path, { force: true });
    return der;
  }

  /** stores `der` unless another process got there first; returns what is stored */
  async put(key: string, der: Buffer): Promise<Buffer> {
    if (!this.dir) return der;
    const pem = pemBlock(der, 'CERTIFICATE');
    const stored = await writeFileAtomic(this.path(key), pem, { mode: 0o644, policy: 'keep-first' });
    // another run wrote this key first: its certificate is the one every run must use
    return stored === pem ? der : wholeCertificate(stored as string) ?? der;
  }

  private path(key: string): string {
    return join(this.dir!, key.slice(0, 2), `${key}.pem`);
  }
}

/**
 * The DER of a cached PEM file, or undefined when it is not one whole certificate (a file cut
 * short or with bytes added is issued again). Only the envelope is checked, not every field:
 * entries are written whole (atomically) from a certificate tlsgate encoded, and the factory
 * parses the certificate next.
 */
function wholeCertificate(pem: string): Buffer | undefined {
  const [der] = pemBlocks(pem, 'CERTIFICATE');
  return der && isWholeDerSequence(der) ? der : undefined;
}
