/**
 * The declarative PKI spec. Scenario files embed exactly this shape (under `pki:`),
 * so it is plain data: strings, numbers, booleans, arrays and objects only. The shapes are
 * defined once, as the JSON Schema definitions the scenario schema publishes; the types are
 * derived from them.
 */
import Type, { type Static } from 'typebox';
import { closed, named, ref, stringEnum, text } from './json-schema.js';

import { KEY_ALGORITHMS, SIGNATURE_HASHES } from './algorithms.js';

export { KEY_ALGORITHMS, SIGNATURE_HASHES, type KeyAlgorithm, type SignatureHash } from './algorithms.js';

/** What a certificate is for; sets sensible default extensions. */
export const CERT_ROLES = ['root', 'intermediate', 'server', 'client', 'ocsp-signer'] as const;
export type CertRole = (typeof CERT_ROLES)[number];

export const KEY_USAGES = [
  'digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement',
  'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly',
] as const;
export type KeyUsageName = (typeof KEY_USAGES)[number];

export const EXT_KEY_USAGES = ['serverAuth', 'clientAuth', 'codeSigning', 'emailProtection', 'timeStamping', 'ocspSigning'] as const;
export type ExtKeyUsageName = (typeof EXT_KEY_USAGES)[number];

export const REVOCATION_REASONS = [
  'unspecified', 'keyCompromise', 'cACompromise', 'affiliationChanged', 'superseded',
  'cessationOfOperation', 'certificateHold', 'removeFromCRL', 'privilegeWithdrawn', 'aACompromise',
] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

/** ResponderID by name or by key hash */
export const RESPONDER_IDS = ['name', 'key'] as const;

const TIME_WORDS = '`now`, an offset such as -1d, +90d, +1h, -30m, +10s, +2w, +1y, or an ISO date such as 2030-01-01T00:00:00Z.';

export const CertId = named('certId', text(
  'A certificate id: letters, digits, `.`, `_` and `-`, starting with a letter or digit (it names the files `tlsgate certs` writes).',
  { pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$', errorMessage: 'not a valid certificate id' },
));

export const CertRef = named('certRef', text('The id of a certificate in `pki.certs` or `pki.files`.'));

/**
 * A point in time: relative to "now" (`now`, `-1d`, `+90d`, `+1h`, `-30m`, `+10s`, `+2w`, `+1y`)
 * or absolute (ISO 8601, `2030-01-01T00:00:00Z`). ca/spec/time.ts parses it; a test holds the pattern to it.
 */
export const TimeSpecSchema = named('timeSpec', Type.String({
  description: `A point in time: ${TIME_WORDS}`,
  pattern: '^(now|[+-][0-9]{1,6}[smhdwy]|[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2}))?)$',
  errorMessage: 'not a time',
}));
export type TimeSpec = Static<typeof TimeSpecSchema>;

/**
 * `auto` writes the URL of tlsgate's own CRL server / OCSP responder for the issuing CA
 * (known only when the servers run; see Endpoints). An explicit list is written verbatim.
 */
export const UrlList = named('urlList', Type.Union([
  Type.Literal('auto'),
  Type.Array(Type.String({ minLength: 1 })),
], {
  description: '`auto` (tlsgate\'s own CRL server or OCSP responder for the issuing CA) or a list of URLs written verbatim.',
  errorMessage: 'must be `auto` or a list of URLs',
}));
export type UrlListSpec = Static<typeof UrlList>;

const nameList = (description: string, item: string) => Type.Optional(Type.Array(text(item), { description }));

/** Names per type: subjectAltName entries, or name-constraint subtrees. */
export const Subtrees = named('subtrees', closed('Names per type.', {
  dns: nameList('DNS names, or `.domain` subtrees', 'a DNS name'),
  ip: nameList('IP addresses (SAN) or CIDR ranges (name constraints), IPv4 or IPv6', 'an IP address or range'),
  uri: nameList('URIs (SAN) or hosts / `.domains` (name constraints)', 'a URI or host'),
  email: nameList('e-mail addresses or domains', 'an e-mail address or domain'),
}));
export type SubjectAltNameSpec = Static<typeof Subtrees>;
export type GeneralSubtreesSpec = Static<typeof Subtrees>;

const flag = (description: string) => Type.Optional(Type.Boolean({ description }));

const Validity = closed('Validity window; default from -1d to +3650d (CAs) or +90d (leaves).', {
  notBefore: Type.Optional(ref(TimeSpecSchema, `Start of validity (default -1d): ${TIME_WORDS}`)),
  notAfter: Type.Optional(ref(TimeSpecSchema, `End of validity (default +3650d for CAs, +90d for leaves): ${TIME_WORDS}`)),
});
export type ValiditySpec = Static<typeof Validity>;

const BasicConstraints = closed('basicConstraints; default from the role.', {
  ca: Type.Boolean({ description: 'Whether the certificate is a CA.' }),
  pathLen: Type.Optional(Type.Integer({ minimum: 0, maximum: 255, description: 'pathLenConstraint: how many CAs may follow below this one.' })),
  critical: flag('Mark the extension critical; default true.'),
});
export type BasicConstraintsSpec = Static<typeof BasicConstraints>;

const NameConstraints = closed('nameConstraints (CAs).', {
  permitted: Type.Optional(ref(Subtrees, 'Permitted subtrees.')),
  excluded: Type.Optional(ref(Subtrees, 'Excluded subtrees.')),
  critical: flag('Mark the extension critical; default true.'),
});
export type NameConstraintsSpec = Static<typeof NameConstraints>;

/** Deliberately broken variants, for negative tests. */
const Broken = closed('Deliberately broken variants, for negative tests.', {
  badSignature: flag('Flip a bit of the signature after signing.'),
  wrongIssuerName: Type.Optional(text('Write this DN as issuer instead of the real issuer\'s subject (still signed by the issuer key).')),
  unknownCriticalExtension: flag('Add an unknown extension (OID 1.3.6.1.4.1.55555.1) marked critical.'),
  omitBasicConstraints: flag('A CA certificate with no basicConstraints at all.'),
  omitKeyIdentifiers: flag('Omit authority and subject key identifiers.'),
});
export type BrokenSpec = Static<typeof Broken>;

export const CertSpecSchema = named('certSpec', closed('A certificate tlsgate generates.', {
  id: ref(CertId, 'Unique in this file; how scenarios, issuers and revocations refer to this certificate. Letters, digits, `.`, `_` and `-`, starting with a letter or digit.'),
  role: stringEnum(CERT_ROLES, 'What the certificate is for; sets default extensions: root, intermediate, server, client or ocsp-signer.'),
  issuer: Type.Optional(ref(CertRef, 'Id of the issuing certificate (of pki.certs, or a CA of pki.files whose key is given); leave out for a self-signed one.')),
  subject: text('Distinguished name, e.g. `CN=Test Root,O=tlsgate`.'),
  key: Type.Optional(stringEnum(KEY_ALGORITHMS, 'Key algorithm; default ec-p256.')),
  keyFrom: Type.Optional(ref(CertRef, 'Reuse the key pair of another certificate (cross-signing: one key, two certificates).')),
  signature: Type.Optional(stringEnum(SIGNATURE_HASHES, 'Signature digest; default sha256 (sha384 for P-384, sha512 for P-521). Ignored for Ed25519.')),
  validity: Type.Optional(Validity),
  serial: Type.Optional(text('Serial number in hex; default 16 random bytes.', { pattern: '^[0-9A-Fa-f]{1,40}$', errorMessage: 'not a hex serial number (1 to 40 hex digits)' })),
  basicConstraints: Type.Optional(BasicConstraints),
  keyUsage: Type.Optional(Type.Array(stringEnum(KEY_USAGES, 'a keyUsage bit'), { description: 'keyUsage bits; default from the role.' })),
  extKeyUsage: Type.Optional(Type.Array(stringEnum(EXT_KEY_USAGES, 'an extended key usage'), {
    description: 'extendedKeyUsage; default from the role (server: serverAuth, client: clientAuth, ocsp-signer: ocspSigning). An empty list omits the extension.',
  })),
  san: Type.Optional(ref(Subtrees, 'subjectAltName entries: dns, ip, uri, email.')),
  nameConstraints: Type.Optional(NameConstraints),
  crlDistributionPoints: Type.Optional(ref(UrlList, 'CRL distribution points: `auto` or a list of URLs.')),
  ocsp: Type.Optional(ref(UrlList, 'OCSP responder URLs in the AIA extension: `auto` or a list of URLs.')),
  caIssuers: Type.Optional(ref(UrlList, 'CA issuers URLs in the AIA extension: `auto` or a list of URLs.')),
  policies: Type.Optional(Type.Array(text('a policy OID, e.g. 2.23.140.1.2.1', { pattern: '^[0-2](\\.[0-9]+)+$', errorMessage: 'not an OID (dotted numbers such as 2.23.140.1.2.1)' }), {
    description: 'Certificate policy OIDs.',
  })),
  mustStaple: flag('TLS feature extension with status_request (OCSP must-staple).'),
  ocspNoCheck: flag('id-pkix-ocsp-nocheck, for delegated OCSP signers.'),
  broken: Type.Optional(Broken),
}));
export type CertSpec = Static<typeof CertSpecSchema>;

/** How the OCSP responder answers for one CA. Without an entry, the CA signs its own answers and includes no certificates. */
export const ResponderSpecSchema = named('responderSpec', closed('How the OCSP responder answers for one CA.', {
  ca: ref(CertRef, 'Id of the CA whose certificates this answers for.'),
  signer: Type.Optional(ref(CertRef, 'Id of a delegated responder certificate issued by that CA (role ocsp-signer); default the CA itself.')),
  includeCerts: flag('Put the signer\'s certificate in the response; default true for a delegated signer, false for the CA.'),
  responderId: Type.Optional(stringEnum(RESPONDER_IDS, 'ResponderID by name (default) or by key hash.')),
  validity: Type.Optional(Type.Union([
    Type.Literal('none'),
    Type.String({ pattern: '^(now|[+-][0-9]{1,6}[smhdwy])$' }),
  ], {
    description: 'nextUpdate of each answer, relative to its thisUpdate (now): an offset such as +1d (default) or +1h, or `none` to omit it.',
    errorMessage: 'must be an offset such as +1d or +1h, or `none`',
  })),
}));
export type ResponderSpec = Static<typeof ResponderSpecSchema>;

export const RevocationSpecSchema = named('revocationSpec', closed('A certificate revoked at start.', {
  cert: ref(CertRef, 'Id of the revoked certificate.'),
  reason: Type.Optional(stringEnum(REVOCATION_REASONS, 'CRL reason code; default keyCompromise.')),
  time: Type.Optional(ref(TimeSpecSchema, `Revocation time (default -1h): ${TIME_WORDS}`)),
  invalidityDate: Type.Optional(ref(TimeSpecSchema, `Invalidity date (CRL entry extension): ${TIME_WORDS}`)),
}));
export type RevocationSpec = Static<typeof RevocationSpecSchema>;

/** A whole PKI: certificates plus who is revoked at set-up. */
export interface PkiSpec {
  certs: CertSpec[];
  revoked?: RevocationSpec[];
  responders?: ResponderSpec[];
}

/** One problem found in a PkiSpec; `path` points into the spec (e.g. ['certs', 3, 'issuer']). */
export interface SpecProblem {
  path: Array<string | number>;
  message: string;
  /** how to fix it */
  hint?: string;
}
