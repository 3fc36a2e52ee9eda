/**
 * The TLS stack fingerprint. This module uses Node's standard library only, so the same code
 * runs inside any Node under test (matrix workers, old runtimes), not just the harness's own.
 */
import { createHash, getCiphers, getCurves, getFips, getHashes } from 'node:crypto';
import * as tls from 'node:tls';

/** PEM material for the security-level probes, made by the harness (see probes.ts) */
export interface InventoryProbes {
  rsa1024: { certPem: string; keyPem: string };
  sha1: { certPem: string; keyPem: string };
  md5: { certPem: string; keyPem: string };
}

export interface Inventory {
  versions: Record<string, string>;
  defaults: {
    minVersion: string;
    maxVersion: string;
    ciphers: string;
    ecdhCurve: string;
  };
  supported: {
    tlsCiphers: string[];
    curves: string[];
    hashes: string[];
  };
  /** what the default security level lets a server load */
  securityLevel: {
    /** the level that explains the probe results: 0, 1 or >= 2 */
    effective: string;
    loadsRsa1024: boolean;
    loadsSha1: boolean;
    loadsMd5: boolean;
  };
  rootStore: { count: number; sha256: string };
  fips: boolean;
  /** environment that changes trust or protocol defaults */
  environment: Record<string, string>;
  /** Node flags that change trust, from NODE_OPTIONS and execArgv */
  trustFlags: string[];
}

const TRUST_ENV = ['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS', 'OPENSSL_CONF', 'OPENSSL_MODULES', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'NODE_TLS_REJECT_UNAUTHORIZED'];

const TRUST_FLAG = /^--(use-openssl-ca|use-bundled-ca|use-system-ca|tls-min-v1\.[0-3]|tls-max-v1\.[23]|tls-cipher-list|tls-keylog|openssl-legacy-provider|openssl-shared-config|openssl-config|enable-fips|force-fips|secure-heap)/;

export function collectInventory(probes: InventoryProbes | undefined, extraVersions: Record<string, string> = {}): Inventory {
  return {
    versions: versionsOf(extraVersions),
    defaults: {
      minVersion: tls.DEFAULT_MIN_VERSION,
      maxVersion: tls.DEFAULT_MAX_VERSION,
      ciphers: tls.DEFAULT_CIPHERS,
      ecdhCurve: tls.DEFAULT_ECDH_CURVE,
    },
    supported: { tlsCiphers: getCiphers(), curves: getCurves(), hashes: getHashes() },
    securityLevel: probeSecurityLevel(probes),
    rootStore: rootStoreOf(),
    fips: getFips() === 1,
    environment: Object.fromEntries(TRUST_ENV.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]!])),
    trustFlags: trustFlags(),
  };
}

function versionsOf(extra: Record<string, string>): Record<string, string> {
  const v = process.versions as Record<string, string | undefined>;
  const picked: Record<string, string> = { node: process.version };
  for (const key of ['openssl', 'v8', 'uv', 'undici', 'nghttp2', 'ngtcp2', 'zlib']) {
    if (v[key]) picked[key === 'undici' ? 'undici (bundled)' : key] = v[key]!;
  }
  picked.platform = `${process.platform}-${process.arch}`;
  return { ...picked, ...extra };
}

function rootStoreOf(): Inventory['rootStore'] {
  const roots = tls.rootCertificates ?? [];
  return { count: roots.length, sha256: createHash('sha256').update(roots.join('\n')).digest('hex') };
}

function trustFlags(): string[] {
  const fromOptions = (process.env.NODE_OPTIONS ?? '').split(/\s+/);
  return [...new Set([...process.execArgv, ...fromOptions].filter((f) => TRUST_FLAG.test(f)))].sort();
}

/** true if a server could load this identity with Node's defaults */
function loads(identity: { certPem: string; keyPem: string }): boolean {
  try {
    tls.createSecureContext({ cert: identity.certPem, key: identity.keyPem });
    return true;
  } catch {
    return false;
  }
}

function probeSecurityLevel(probes: InventoryProbes | undefined): Inventory['securityLevel'] {
  if (!probes) return { effective: 'not probed', loadsRsa1024: false, loadsSha1: false, loadsMd5: false };
  const loadsRsa1024 = loads(probes.rsa1024);
  const loadsSha1 = loads(probes.sha1);
  const loadsMd5 = loads(probes.md5);
  const effective = loadsSha1 ? '0' : loadsRsa1024 ? '1' : '>=2';
  return { effective, loadsRsa1024, loadsSha1, loadsMd5 };
}
