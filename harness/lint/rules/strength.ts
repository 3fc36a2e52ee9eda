/**
 * Keys and signatures against an OpenSSL security level (default 2, the level Node 24 runs at;
 * Node 18-22 run at level 1). The level sets a least number of security bits; OpenSSL counts an
 * RSA/DSA key of 1024 bits as 80, 2048 as 112, 3072 as 128; an EC key as half its field size;
 * a SHA-1 signature as 63 bits and MD5 as 39, so OpenSSL 3 refuses both from level 1 on. The
 * catalogue records the same facts on real handshakes (scenarios/chain/weak.yaml,
 * `tlsgate inventory`): RSA-1024 loads at level 1 and is refused at level 2; SHA-1 and MD5
 * signed certificates are refused at the default level. The trust anchor's own self-signature
 * is not checked (OpenSSL skips it), so a self-signed root is not judged by its digest.
 * A workload class's `keyTypes` are checked here too.
 */
import type { LintKeyType } from '../../config/lint-format.js';
import type { CertFacts, KeyFacts } from '../cert-facts.js';
import { classOf } from '../policy.js';
import { finding, type CertRule, type RuleFinding } from './rule.js';

/** security bits each OpenSSL security level requires (SSL_CTX_set_security_level(3)) */
const LEVEL_BITS = [0, 80, 112, 128, 192, 256] as const;

const DIGEST_BITS: Readonly<Record<string, number>> = { md2: 0, md4: 0, md5: 39, sha1: 63, sha224: 112, sha256: 128, sha384: 192, sha512: 256 };

/** OpenSSL's BN_security_bits for RSA and DSA moduli */
function modulusBits(bits: number): number {
  if (bits >= 15360) return 256;
  if (bits >= 7680) return 192;
  if (bits >= 3072) return 128;
  if (bits >= 2048) return 112;
  if (bits >= 1024) return 80;
  return 0;
}

export function keySecurityBits(key: KeyFacts): number {
  switch (key.kind) {
    case 'rsa': case 'rsa-pss': case 'dsa': return modulusBits(key.bits);
    case 'ec': return Math.floor(key.bits / 2);
    case 'ed25519': return 128;
    case 'ed448': return 224;
    case 'other': return 0;
  }
}

export const keyName = (key: KeyFacts): string =>
  key.kind === 'ec' ? `EC ${key.curve}` : key.kind === 'ed25519' || key.kind === 'ed448' ? key.kind : `${key.kind.toUpperCase()}-${key.bits}`;

const LEVEL_NOTE = 'level 2 is the default of Node 24 (OpenSSL 3.5); Node 18-22 run at level 1';

export const strengthRule: CertRule = (cert, ctx) => {
  const level = ctx.settings.securityLevel;
  const needed = LEVEL_BITS[level] ?? 0;
  const out: RuleFinding[] = [];
  const keyBits = keySecurityBits(cert.key);
  if (keyBits < needed) {
    out.push(finding(cert, 'weak-key', 'error',
      `${keyName(cert.key)} key gives ${keyBits} bits of security; OpenSSL security level ${level} needs ${needed} (${LEVEL_NOTE}): a server cannot load it (ERR_SSL_EE_KEY_TOO_SMALL), a client refuses the chain ("key too weak")`,
      'reissue it with an EC P-256 key, or RSA-2048 or larger'));
  }
  const digestBits = cert.signatureDigest !== undefined ? DIGEST_BITS[cert.signatureDigest] ?? 0 : Infinity;
  const trustAnchor = cert.isCa && cert.selfIssued;
  if (digestBits < needed && !trustAnchor) {
    out.push(finding(cert, 'weak-signature', 'error',
      `signed with ${cert.signatureName} (${digestBits} bits of collision resistance); OpenSSL security level ${level} needs ${needed}: a server cannot load it (ERR_SSL_CA_MD_TOO_WEAK), a client refuses the chain ("digest algorithm too weak")`,
      'have the CA reissue it signed with SHA-256 or stronger'));
  }
  out.push(...keyTypeFindings(cert, ctx));
  return out;
};

function keyTypeFindings(cert: CertFacts, ctx: Parameters<CertRule>[1]): RuleFinding[] {
  const cls = classOf(cert, ctx.settings);
  if (!cls?.keyTypes || cls.keyTypes.some((t) => keyIs(cert.key, t))) return [];
  return [finding(cert, 'key-type-not-allowed', 'error',
    `${keyName(cert.key)} key; class '${cls.name}' allows ${cls.keyTypes.join(', ')}`,
    `reissue it with one of: ${cls.keyTypes.join(', ')}`)];
}

const CURVES: Readonly<Record<string, string>> = { 'ec-p256': 'prime256v1', 'ec-p384': 'secp384r1', 'ec-p521': 'secp521r1' };

function keyIs(key: KeyFacts, type: LintKeyType): boolean {
  if (type in CURVES) return key.kind === 'ec' && key.curve === CURVES[type];
  if (type === 'ed25519' || type === 'ed448') return key.kind === type;
  const pss = type.startsWith('rsa-pss-');
  const least = Number(type.slice(type.lastIndexOf('-') + 1));
  return key.kind === (pss ? 'rsa-pss' : 'rsa') && key.bits >= least;
}
