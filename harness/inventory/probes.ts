/**
 * Probe material for the security-level check: leaves issued by one root (OpenSSL skips the
 * digest check of a self-signed cert, so a self-signed SHA-1 cert would prove nothing). Issued
 * once into the material cache; later runs read them back in a few milliseconds.
 */
import { issuePki } from '../../ca/issue/factory.js';
import type { PkiSpec } from '../../ca/spec/spec.js';
import type { InventoryProbes } from '../drivers/portable/inventory/collect.js';

const PROBE_PKI: PkiSpec = {
  certs: [
    { id: 'root', role: 'root', key: 'rsa-2048', subject: 'CN=tlsgate inventory probe root' },
    { id: 'rsa512', role: 'server', issuer: 'root', key: 'rsa-512', subject: 'CN=tlsgate probe rsa-512' },
    { id: 'rsa1024', role: 'server', issuer: 'root', key: 'rsa-1024', subject: 'CN=tlsgate probe rsa-1024' },
    { id: 'rsa2048', role: 'server', issuer: 'root', key: 'rsa-2048', subject: 'CN=tlsgate probe rsa-2048' },
    { id: 'sha1', role: 'server', issuer: 'root', key: 'rsa-2048', signature: 'sha1', subject: 'CN=tlsgate probe sha1' },
    { id: 'md5', role: 'server', issuer: 'root', key: 'rsa-2048', signature: 'md5', subject: 'CN=tlsgate probe md5' },
  ],
};

export async function makeInventoryProbes(cacheDir: string): Promise<InventoryProbes> {
  const m = await issuePki(PROBE_PKI, { cacheDir });
  const identity = (id: string) => ({ certPem: m.get(id).pem, keyPem: m.get(id).keyPem });
  return { rsa512: identity('rsa512'), rsa1024: identity('rsa1024'), rsa2048: identity('rsa2048'), sha1: identity('sha1'), md5: identity('md5') };
}
