/**
 * SPIFFE ID syntax (SPIFFE-ID.md, section 2): `spiffe://<trust domain><path>`, the scheme in
 * lowercase, a trust domain of lowercase letters, digits, `.`, `-` and `_` (no port, no
 * user info), a path of `/`-separated non-empty segments of letters, digits, `.`, `-` and `_`
 * that are not `.` or `..`, no trailing `/`, no query or fragment, at most 2048 bytes.
 */
import type { CertFacts } from './cert-facts.js';

const MAX_BYTES = 2048;
const TRUST_DOMAIN = /^[a-z0-9._-]+$/;
const SEGMENT = /^[A-Za-z0-9._-]+$/;

/** the URI SANs whose scheme is spiffe, in any case */
export const spiffeUris = (c: CertFacts): string[] => (c.san?.uri ?? []).filter((u) => /^spiffe:/i.test(u));

/** the certificate's one SPIFFE ID, when it has exactly one spiffe URI SAN */
export function spiffeIdOf(c: CertFacts): string | undefined {
  const ids = spiffeUris(c);
  return ids.length === 1 ? ids[0] : undefined;
}

/** what is wrong with the ID's syntax, or undefined */
export function spiffeIdProblem(id: string, leaf: boolean): string | undefined {
  if (Buffer.byteLength(id) > MAX_BYTES) return `is longer than ${MAX_BYTES} bytes`;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(id)?.[1];
  if (scheme !== 'spiffe') return scheme ? `has the scheme '${scheme}', not 'spiffe'` : 'has no scheme';
  if (!id.startsWith('spiffe://')) return 'has no trust domain (it must start spiffe://)';
  if (/[?#]/.test(id)) return 'has a query or fragment';
  const rest = id.slice('spiffe://'.length);
  const slash = rest.indexOf('/');
  const trustDomain = slash === -1 ? rest : rest.slice(0, slash);
  const path = slash === -1 ? '' : rest.slice(slash);
  if (trustDomain === '') return 'has an empty trust domain';
  if (!TRUST_DOMAIN.test(trustDomain)) return `has the trust domain '${trustDomain}', which may hold only lowercase letters, digits, '.', '-' and '_' (no port, no user info)`;
  if (path !== '') {
    const segments = path.slice(1).split('/');
    const bad = segments.find((s) => s === '' || s === '.' || s === '..' || !SEGMENT.test(s));
    if (bad !== undefined) return bad === '' ? 'has an empty path segment or a trailing /' : `has the path segment '${bad}' (segments hold letters, digits, '.', '-' and '_', and are not '.' or '..')`;
  }
  if (leaf && path === '') return 'has no path: a leaf SVID names a workload under its trust domain';
  if (!leaf && path !== '') return 'has a path: a signing certificate\'s SPIFFE ID names only the trust domain';
  return undefined;
}
