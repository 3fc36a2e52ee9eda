/**
 * The `lint:` section of the project config: the defaults of `tlsgate lint` and the policy per
 * workload class (which certificates a class covers, their longest lifetime, the key types they
 * may use, whether they must be SPIFFE X.509-SVIDs). Part of config-format.ts's one definition.
 */
import Type, { type Static } from 'typebox';
import { closed, named, ref, stringEnum, text } from '../../ca/spec/json-schema.js';

const optional = Type.Optional;

/** `30d`, `12h`, `90m`, `2w`: a positive span, as the scenario format's relative times write it */
export const DURATION = '^\\d{1,6}[smhdwy]$';

const Duration = (description: string) => text(description, { pattern: DURATION, errorMessage: 'a duration such as 30d, 24h, 90m or 2w' });

/** the key types a class may require, named as the scenario format's `key` names them (RSA by its least size) */
export const LINT_KEY_TYPES = ['ec-p256', 'ec-p384', 'ec-p521', 'ed25519', 'ed448', 'rsa-2048', 'rsa-3072', 'rsa-4096', 'rsa-pss-2048'] as const;

const Globs = (description: string) => Type.Union([text(description), Type.Array(text(description), { minItems: 1 })], {
  description,
  errorMessage: 'a glob or a list of globs',
});

const LintMatch = named('lintMatch', closed('Which certificates the class covers: one that matches any of the given globs.', {
  spiffeId: optional(Globs('A glob over the certificate\'s SPIFFE ID (`spiffe://prod.example/ns/*/sa/**`).')),
  san: optional(Globs('A glob over any of its DNS, IP, URI or email SANs (`*.internal.example`).')),
  subject: optional(Globs('A glob over its subject DN as OpenSSL prints it one-line (`CN=*payments*`).')),
}, { minProperties: 1 }));

export const LintClassSchema = named('lintClass', closed('A workload class: the first class that matches a certificate sets its policy.', {
  name: text('What the class is called in findings (`payments workloads`).'),
  match: ref(LintMatch),
  maxTtl: optional(Duration('The longest lifetime (notAfter - notBefore) a certificate of this class may have.')),
  keyTypes: optional(Type.Array(stringEnum([...LINT_KEY_TYPES], 'A key type; rsa-N means RSA of at least N bits.'), {
    minItems: 1,
    description: 'The key types a certificate of this class may use.',
  })),
  svid: optional(Type.Boolean({ description: 'Certificates of this class must be SPIFFE X.509-SVIDs (one spiffe:// URI SAN).' })),
}));

export const LintConfigSchema = named('lintConfig', closed('Defaults and policy of `tlsgate lint`; its flags override them.', {
  expiresWithin: optional(Duration('Warn about certificates that expire within this span (like `--expires-within`); default 30d.')),
  failOn: optional(stringEnum(['error', 'warning'], 'The least severity that fails the lint (like `--fail-on`); default error.')),
  securityLevel: optional(Type.Integer({ minimum: 0, maximum: 5, description: 'The OpenSSL security level keys and signatures are judged against (like `--security-level`); default 2, the level of Node 24.' })),
  shortLived: optional(Duration('Certificates living at most this long need no CRL or OCSP pointers; default 10d.')),
  classes: optional(Type.Array(ref(LintClassSchema), { description: 'Workload classes, matched in order.' })),
}));

export type LintConfigInput = Static<typeof LintConfigSchema>;
export type LintClassInput = Static<typeof LintClassSchema>;
export type LintKeyType = (typeof LINT_KEY_TYPES)[number];

export const LINT_DEFINITIONS = { lintConfig: LintConfigSchema, lintClass: LintClassSchema, lintMatch: LintMatch };
