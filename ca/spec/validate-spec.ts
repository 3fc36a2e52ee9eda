/**
 * Semantic checks of a PkiSpec, beyond its shape (the JSON Schema checks types and unknown keys):
 * ids unique, issuers exist and form no cycle, validity windows possible, algorithm combinations
 * that exist. Every problem names its path in the spec and how to fix it. The factory refuses a
 * spec with problems (PkiSpecError), so nothing is generated from a half-valid spec.
 */
import { isIP } from 'node:net';
import { MAX_SERIAL_OCTETS, serialProblem } from '../asn1/serial-number.js';
import { KEY_ALGORITHMS, SIGNATURE_HASHES, type KeyAlgorithm } from './algorithms.js';
import type { CertSpec, PkiSpec, SpecProblem } from './spec.js';
import { defaultHash, unsupportedCombination } from '../asn1/signature-choice.js';
import { parseTimeSpec, TIME_SPEC_HINT } from './time.js';
import { adderTo, checkValidity, type AddProblem } from './validity-window.js';
import { createRequire } from 'node:module';

type Path = Array<string | number>;

export class PkiSpecError extends Error {
  override readonly name = 'PkiSpecError';
  constructor(readonly problems: SpecProblem[]) {
    super(`invalid PKI spec:\n${problems.map((p) => `  ${formatSpecPath(p.path)}: ${p.message}${p.hint ? ` (${p.hint})` : ''}`).join('\n')}`);
  }
}

export const formatSpecPath = (path: Path): string =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const SERIAL_HINT = `give a positive hex number below 2^159: it must fit ${MAX_SERIAL_OCTETS} DER octets (RFC 5280 4.1.2.2), and DER puts a 00 byte before a first byte of 80-ff; leading zeros are fine; omit serial for 16 random bytes`;
/** digests an RSA-512 key is too small to sign (PKCS#1 v1.5 padding needs 11 bytes + DigestInfo) */
const TOO_BIG_FOR_RSA_512 = new Set(['sha384', 'sha512']);

/**
 * `externalIssuers`: ids of CA certificates outside the spec that may be named as `issuer`
 * (a team's files CA with its key); what they can sign is the caller's to check.
 */
export function validatePkiSpec(spec: PkiSpec, opts: { now?: Date; externalIssuers?: ReadonlySet<string> } = {}): SpecProblem[] {
  const now = opts.now ?? new Date();
  const problems: SpecProblem[] = [];
  const add = adderTo(problems);
  const certs = spec.certs ?? [];
  const byId = new Map<string, CertSpec>();
  certs.forEach((c, i) => {
    if (!ID.test(c.id)) add(['certs', i, 'id'], `'${c.id}' is not a usable id`, 'use letters, digits, `.`, `_` and `-`, starting with a letter or digit, at most 64 characters');
    else if (byId.has(c.id)) add(['certs', i, 'id'], `duplicate id '${c.id}'`, 'give every certificate its own id');
    else byId.set(c.id, c);
  });
  const known = () => `known ids: ${[...byId.keys()].join(', ') || '(none)'}`;
  const external = opts.externalIssuers ?? new Set<string>();
  certs.forEach((c, i) => checkCert(c, ['certs', i], byId, external, known, add, now));
  checkCycles(certs, byId, 'issuer', add);
  checkCycles(certs, byId, 'keyFrom', add);
  (spec.revoked ?? []).forEach((r, i) => {
    if (!byId.has(r.cert)) add(['revoked', i, 'cert'], `unknown certificate '${r.cert}'`, known());
    for (const field of ['time', 'invalidityDate'] as const) {
      const t = r[field];
      if (t !== undefined && !parseTimeSpec(t)) add(['revoked', i, field], `'${t}' is not a time`, TIME_SPEC_HINT);
    }
  });
  (spec.responders ?? []).forEach((r, i) => {
    const ca = byId.get(r.ca);
    if (!ca) add(['responders', i, 'ca'], `unknown certificate '${r.ca}'`, known());
    if (r.signer !== undefined) {
      const signer = byId.get(r.signer);
      if (!signer) add(['responders', i, 'signer'], `unknown certificate '${r.signer}'`, known());
      else if (ca && signer.id !== ca.id && signer.issuer !== ca.id) {
        add(['responders', i, 'signer'], `'${r.signer}' is not issued by '${r.ca}'`, `a delegated OCSP signer must be issued by the CA it answers for: set issuer: ${r.ca} on it`);
      }
    }
    if (r.validity !== undefined && r.validity !== 'none' && parseTimeSpec(r.validity)?.kind !== 'relative') {
      add(['responders', i, 'validity'], `'${r.validity}' is not an offset`, 'use an offset such as +1d or +1h, or none');
    }
  });
  return problems;
}

type Add = AddProblem;

function checkCert(c: CertSpec, at: Path, byId: ReadonlyMap<string, CertSpec>, external: ReadonlySet<string>, known: () => string, add: Add, now: Date): void {
  if (c.issuer !== undefined && !byId.has(c.issuer) && !external.has(c.issuer)) add([...at, 'issuer'], `unknown issuer '${c.issuer}'`, `${known()}; omit issuer for a self-signed certificate`);
  if (c.issuer === c.id) add([...at, 'issuer'], `'${c.id}' names itself as issuer`, 'omit issuer for a self-signed certificate');
  if (c.keyFrom !== undefined && !byId.has(c.keyFrom)) add([...at, 'keyFrom'], `unknown certificate '${c.keyFrom}'`, known());
  if (c.key !== undefined && !KEY_ALGORITHMS.includes(c.key)) add([...at, 'key'], `unknown key type '${c.key}'`, `use one of ${KEY_ALGORITHMS.join(', ')}`);
  if (c.signature !== undefined && !SIGNATURE_HASHES.includes(c.signature)) add([...at, 'signature'], `unknown signature hash '${c.signature}'`, `use one of ${SIGNATURE_HASHES.join(', ')}`);
  checkKeys(c, at, byId, add);
  checkSubject(c.subject, [...at, 'subject'], add);
  checkValidity(c, at, add, now);
  const serialWrong = c.serial !== undefined ? serialProblem(c.serial) : undefined;
  if (serialWrong !== undefined) add([...at, 'serial'], `serial '${c.serial}' ${serialWrong}`, SERIAL_HINT);
  const pathLen = c.basicConstraints?.pathLen;
  if (pathLen !== undefined && (!Number.isInteger(pathLen) || pathLen < 0 || pathLen > 255)) add([...at, 'basicConstraints', 'pathLen'], `pathLen ${pathLen} is not a whole number from 0 to 255`, 'pathLen counts the CAs allowed below this one: 0 for a CA that only issues leaves');
  if (pathLen !== undefined && c.basicConstraints?.ca === false) add([...at, 'basicConstraints', 'pathLen'], 'pathLen on a certificate that is not a CA', 'set ca: true, or remove pathLen');
  (c.san?.ip ?? []).forEach((ip, j) => { if (!isIP(ip)) add([...at, 'san', 'ip', j], `'${ip}' is not an IPv4 or IPv6 address`, 'write an IP literal such as 127.0.0.1 or ::1 (names go under dns)'); });
  (c.san?.email ?? []).forEach((e, j) => { if (!e.includes('@')) add([...at, 'san', 'email', j], `'${e}' is not an email address`, 'write it as name@example.org'); });
  (c.san?.uri ?? []).forEach((u, j) => { if (!URL.canParse(u)) add([...at, 'san', 'uri', j], `'${u}' is not a URI`, 'e.g. spiffe://example.org/service'); });
  for (const kind of ['permitted', 'excluded'] as const) {
    (c.nameConstraints?.[kind]?.ip ?? []).forEach((cidr, j) => {
      if (!isCidr(cidr)) add([...at, 'nameConstraints', kind, 'ip', j], `'${cidr}' is not an address range`, 'use CIDR notation: 10.0.0.0/8 or fd00::/8');
    });
  }
  for (const field of ['crlDistributionPoints', 'ocsp', 'caIssuers'] as const) {
    const list = c[field];
    if (Array.isArray(list)) list.forEach((u, j) => { if (!URL.canParse(u)) add([...at, field, j], `'${u}' is not a URL`, 'give an absolute URL, or `auto` for tlsgate\'s own servers'); });
  }
}

/** the key algorithm a cert ends up with, following keyFrom */
export function effectiveKey(c: CertSpec, byId: ReadonlyMap<string, CertSpec>): KeyAlgorithm {
  let current = c;
  const seen = new Set<string>();
  while (current.keyFrom !== undefined && !seen.has(current.id)) {
    seen.add(current.id);
    const next = byId.get(current.keyFrom);
    if (!next) break;
    current = next;
  }
  return current.key ?? 'ec-p256';
}

function checkKeys(c: CertSpec, at: Path, byId: ReadonlyMap<string, CertSpec>, add: Add): void {
  if (c.keyFrom !== undefined && c.key !== undefined) {
    const from = byId.get(c.keyFrom);
    if (from && effectiveKey(from, byId) !== c.key) add([...at, 'key'], `key ${c.key} differs from the key of '${c.keyFrom}' (keyFrom)`, 'remove key: keyFrom reuses that certificate\'s key pair');
  }
  const issuer = c.issuer !== undefined ? byId.get(c.issuer) : c;
  if (!issuer) return;
  const signerKey = effectiveKey(issuer, byId);
  if (!KEY_ALGORITHMS.includes(signerKey) || (c.signature !== undefined && !SIGNATURE_HASHES.includes(c.signature))) return;
  const hash = c.signature ?? defaultHash(signerKey);
  const unsupported = unsupportedCombination(signerKey, hash);
  if (unsupported) add([...at, 'signature'], `${issuer.id}'s ${signerKey} key cannot sign with ${hash}: ${unsupported}`, 'choose another signature hash, or an RSA issuer for md5');
  if (signerKey === 'rsa-512' && TOO_BIG_FOR_RSA_512.has(hash)) add([...at, 'signature'], `an RSA-512 key is too small for a ${hash} signature`, 'use sha256 or sha1 with rsa-512');
}

/**
 * A distinguished name of the plain form nearly every spec writes (CN=..., O=..., known
 * attribute names, values of letters, digits, space and . _ - ( )): @peculiar/x509 parses every
 * one of these (a property test checks it), so checking one needs no ASN.1 library.
 */
export const PLAIN_DISTINGUISHED_NAME = /^(?:(?:CN|O|OU|L|ST|C)=[A-Za-z0-9._()-](?:[A-Za-z0-9 ._()-]*[A-Za-z0-9._()-])?)(?:,(?:CN|O|OU|L|ST|C)=[A-Za-z0-9._()-](?:[A-Za-z0-9 ._()-]*[A-Za-z0-9._()-])?)*$/;

/** @peculiar/x509's Name, loaded on first need: its library costs ~150 ms to load, and the plain names above do without it */
const x509Name = (): typeof import('../asn1/x509.js').Name => {
  const require = createRequire(import.meta.url);
  require('reflect-metadata');
  return (require('@peculiar/x509') as typeof import('../asn1/x509.js')).Name;
};

function checkSubject(subject: string, at: Path, add: Add): void {
  if (PLAIN_DISTINGUISHED_NAME.test(subject)) return;
  try {
    new (x509Name())(subject);
  } catch (err) {
    add(at, `'${subject}' is not a distinguished name: ${(err as Error).message}`, 'write it as CN=Example,O=Org');
  }
}

function checkCycles(certs: readonly CertSpec[], byId: ReadonlyMap<string, CertSpec>, field: 'issuer' | 'keyFrom', add: Add): void {
  const reported = new Set<string>();
  certs.forEach((c, i) => {
    const seen: string[] = [];
    let current: CertSpec | undefined = c;
    while (current && current[field] !== undefined && current[field] !== current.id) {
      if (seen.includes(current.id)) {
        const cycle = seen.slice(seen.indexOf(current.id));
        const key = [...cycle].sort().join(',');
        if (!reported.has(key)) {
          reported.add(key);
          add(['certs', i, field], `${field} cycle: ${[...cycle, current.id].join(' -> ')}`, field === 'issuer' ? 'one certificate in the cycle must be self-signed (no issuer)' : 'one certificate must have its own key');
        }
        return;
      }
      seen.push(current.id);
      current = byId.get(current[field]!);
    }
  });
}

function isCidr(text: string): boolean {
  const [address, bits, extra] = text.split('/');
  if (extra !== undefined || address === undefined || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
  const family = isIP(address);
  return family !== 0 && Number(bits) <= (family === 4 ? 32 : 128);
}
