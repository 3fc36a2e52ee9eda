/**
 * The TLS stack fingerprint. This module (and everything it imports) uses Node's standard
 * library only, so the same code runs inside any Node under test (matrix workers, Node 18), not
 * just the harness's own.
 */
import { createHash, getCurves, getFips, getHashes } from 'node:crypto';
import * as tls from 'node:tls';
import { locateUndici } from './undici-version.js';
import { locatePackage, type LibraryDirs } from './package-location.js';

/** one identity for a security-level probe: a leaf issued by a separate root, as PEM */
export interface ProbeIdentity {
  certPem: string;
  keyPem: string;
}

/**
 * PEM material for the security-level probes, made by the harness (probes.ts). The leaves are
 * issued by a root, because OpenSSL never checks the signature digest of a self-signed cert.
 */
export interface InventoryProbes {
  rsa512: ProbeIdentity;
  rsa1024: ProbeIdentity;
  rsa2048: ProbeIdentity;
  sha1: ProbeIdentity;
  md5: ProbeIdentity;
}

/**
 * The default OpenSSL security level, told by the smallest RSA key a server loads (level 0 takes
 * any key, 1 needs 1024 bits, 2 needs 2048, 3 and up 3072 or more).
 */
export type SecurityLevel = '0' | '1' | '2' | '>=3' | 'not probed';

export interface Inventory {
  versions: Record<string, string>;
  /**
   * The project's TLS-bearing packages and their installed versions (`ws: "7.5.9 + 8.16.0"`), from
   * its lockfiles (`tlsgate inventory --project`); set by the harness for a run in a project.
   */
  packages?: Record<string, string>;
  defaults: {
    minVersion: string;
    maxVersion: string;
    ciphers: string;
    ecdhCurve: string;
  };
  /** what Node can tell without a handshake: TLS cipher names, curves (groups), hashes */
  supported: {
    tlsCiphers: string[];
    curves: string[];
    hashes: string[];
  };
  /** what the default security level lets a server load */
  securityLevel: {
    effective: SecurityLevel;
    loadsRsa512: boolean;
    loadsRsa1024: boolean;
    loadsRsa2048: boolean;
    /** a leaf signed with SHA-1 / MD5 by its CA (refused at load as `ca md too weak` by some OpenSSL versions) */
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

export const TRUST_ENV = [
  'NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS', 'OPENSSL_CONF', 'OPENSSL_MODULES', 'SSL_CERT_FILE', 'SSL_CERT_DIR',
  'NODE_TLS_REJECT_UNAUTHORIZED',
] as const;

const TRUST_FLAG = /^--(use-openssl-ca|use-bundled-ca|use-system-ca|tls-min-v1\.[0-3]|tls-max-v1\.[23]|tls-cipher-list|tls-keylog|openssl-legacy-provider|openssl-shared-config|openssl-config|enable-fips|force-fips|secure-heap)/;

/** `libraryDirs`: the placement's override folders (`matrix --package`): each package's copy there is listed */
export function collectInventory(probes: InventoryProbes | undefined, cwd = process.cwd(), libraryDirs: LibraryDirs = {}): Inventory {
  return {
    versions: versionsOf(cwd, libraryDirs),
    defaults: {
      minVersion: tls.DEFAULT_MIN_VERSION,
      maxVersion: tls.DEFAULT_MAX_VERSION,
      ciphers: tls.DEFAULT_CIPHERS,
      ecdhCurve: tls.DEFAULT_ECDH_CURVE,
    },
    supported: { tlsCiphers: tls.getCiphers(), curves: getCurves(), hashes: getHashes() },
    securityLevel: probeSecurityLevel(probes),
    rootStore: rootStoreOf(),
    fips: getFips() === 1,
    environment: Object.fromEntries(TRUST_ENV.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]!])),
    trustFlags: trustFlags(),
  };
}

function versionsOf(cwd: string, libraryDirs: LibraryDirs): Record<string, string> {
  const v = process.versions as Record<string, string | undefined>;
  const picked: Record<string, string> = { node: process.version };
  for (const key of ['openssl', 'v8', 'uv', 'nghttp2', 'ngtcp2', 'zlib']) {
    if (v[key]) picked[key] = v[key]!;
  }
  if (v.undici) picked['undici (bundled with node)'] = v.undici;
  const undici = locateUndici({ cwd, overrideDir: libraryDirs.undici });
  if (undici) picked['undici (undici driver)'] = `${undici.version} (${undici.source})`;
  for (const [name, overrideDir] of Object.entries(libraryDirs)) {
    const copy = name === 'undici' ? undefined : locatePackage(name, { overrideDir });
    if (copy) picked[`${name} (library driver)`] = `${copy.version} (${copy.source})`;
  }
  picked.platform = `${process.platform}-${process.arch}`;
  return picked;
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
function loads(identity: ProbeIdentity): boolean {
  try {
    tls.createSecureContext({ cert: identity.certPem, key: identity.keyPem });
    return true;
  } catch {
    return false;
  }
}

function probeSecurityLevel(probes: InventoryProbes | undefined): Inventory['securityLevel'] {
  if (!probes) {
    return { effective: 'not probed', loadsRsa512: false, loadsRsa1024: false, loadsRsa2048: false, loadsSha1: false, loadsMd5: false };
  }
  const loadsRsa512 = loads(probes.rsa512);
  const loadsRsa1024 = loads(probes.rsa1024);
  const loadsRsa2048 = loads(probes.rsa2048);
  const effective: SecurityLevel = loadsRsa512 ? '0' : loadsRsa1024 ? '1' : loadsRsa2048 ? '2' : '>=3';
  return { effective, loadsRsa512, loadsRsa1024, loadsRsa2048, loadsSha1: loads(probes.sha1), loadsMd5: loads(probes.md5) };
}
