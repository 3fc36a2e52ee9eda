/** Probe material for the security-level check: tiny self-signed certs, made once and cached. */
import { issuePki } from '../../ca/factory.js';
import type { PkiSpec } from '../../ca/spec.js';
import type { InventoryProbes } from './collect.js';

const PROBE_PKI: PkiSpec = {
  certs: [
    { id: 'rsa1024', role: 'server', key: 'rsa-1024', subject: 'CN=tlsgate probe rsa-1024' },
    { id: 'sha1', role: 'server', key: 'rsa-2048', signature: 'sha1', subject: 'CN=tlsgate probe sha1' },
    { id: 'md5', role: 'server', key: 'rsa-2048', signature: 'md5', subject: 'CN=tlsgate probe md5' },
  ],
};

export async function makeInventoryProbes(cacheDir: string): Promise<InventoryProbes> {
  const m = await issuePki(PROBE_PKI, { cacheDir });
  const identity = (id: string) => ({ certPem: m.get(id).pem, keyPem: m.get(id).keyPem });
  return { rsa1024: identity('rsa1024'), sha1: identity('sha1'), md5: identity('md5') };
}
