/**
 * The certificate fuzz: seeded (fast-check), deterministic cases, each one scenario file run the
 * way `tlsgate run` runs it (the loader, then the engine and the runner with real handshakes).
 * Half the cases give odd certificates and chains as PEM files (`pki.files`, see
 * odd-certificates.ts), half give odd but schema-valid values to the CA (`pki.certs`). Accepting
 * or rejecting does not matter; what counts is that every case ends in a verdict or in a clear
 * validation problem, and never in a crash: a loader that threw, an internal error verdict, an
 * uncaught exception.
 */
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { KEY_ALGORITHMS, SIGNATURE_HASHES } from '../../../ca/spec/spec.js';
import { createEngine } from '../../../harness/session/engine.js';
import { isInternalError } from '../../../harness/model/internal-fault.js';
import type { Scenario } from '../../../harness/model/domain.js';
import { describeInternalError, runSuite } from '../../../harness/run/runner.js';
import { loadScenarios } from '../../../harness/scenario/load.js';
import {
  KEY_KINDS, KNOWN_EXTENSION_OIDS, SAN_KINDS, SERIAL_KINDS, STRING_TYPES, mutate, oddChain, pemOf,
  type CertShape, type Mutation, type NameShape,
} from './odd-certificates.js';

// ---------------------------------------------------------------- cases

interface FilesCase {
  via: 'files';
  shapes: CertShape[];
  /** the client's revocation settings (parses the chain's CDP and AIA, garbage or not) */
  revocation: Record<string, unknown> | undefined;
  /** which certificate (index from the leaf: 0 leaf, 1 its issuer) the mutation hits */
  mutateAt: number;
  mutation: Mutation;
}

interface SpecCase {
  via: 'spec';
  certs: Record<string, unknown>[];
  client: Record<string, unknown>;
}

export type FuzzCase = FilesCase | SpecCase;

/** present or not (undefined one time in two) */
const odd = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 2 });

const ODD_TEXT = fc.constantFrom(
  'localhost', 'Ünïcødé Örg', '日本語の名前', 'emoji 🔐 name', 'a,b+c=d"e\\f', ' leading and trailing ', 'x'.repeat(300),
  'null\u0000byte', 'tab\tand\nnewline', 'Ω', 'printable-only 123', '',
);

const nameShape: fc.Arbitrary<NameShape> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<NameShape>({ kind: 'empty' }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('rdns' as const), type: fc.constantFrom(...STRING_TYPES), values: fc.array(ODD_TEXT, { minLength: 1, maxLength: 4 }) }) },
);

const certShape: fc.Arbitrary<CertShape> = fc.record({
  key: fc.constantFrom(...KEY_KINDS),
  subject: nameShape,
  /** one in ten: an empty issuer Name */
  emptyIssuer: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  // non-minimal INTEGERs (leading zero, 21 octets) are refused by OpenSSL, so by the loader: rarer
  serial: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...SERIAL_KINDS.filter((k) => k !== 'leading-zero' && k !== 'twenty-one-octets')) }, { weight: 1, arbitrary: fc.constantFrom(...SERIAL_KINDS) }),
  san: fc.constantFrom(...SAN_KINDS),
  longSanCount: fc.constantFrom(50, 500, 2000),
  extensions: fc.array(fc.record({
    oid: fc.option(fc.constantFrom(...KNOWN_EXTENSION_OIDS), { nil: undefined, freq: 3 }),
    arc: fc.integer({ min: 1, max: 5 }),
    critical: fc.boolean(),
    bytes: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 40 }),
  }), { maxLength: 3 }),
});

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Mutation>({ kind: 'none' }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate' as const), keepFraction: fc.double({ min: 0.05, max: 0.99, noNaN: true }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('trailing-garbage' as const), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 64 }) }) },
);

/** 1-4 certificates, now and then a 100-deep chain */
const depth = fc.oneof({ weight: 30, arbitrary: fc.integer({ min: 1, max: 4 }) }, { weight: 1, arbitrary: fc.constant(100) });

/** n of one kind; a 100-deep chain repeats one middle for its 98 intermediates */
function chainOf<T>(one: fc.Arbitrary<T>, n: number): fc.Arbitrary<T[]> {
  if (n <= 4) return fc.array(one, { minLength: n, maxLength: n });
  return fc.tuple(one, one, one).map(([first, middle, last]) => [first, ...Array.from({ length: n - 2 }, () => middle), last]);
}

const revocation = odd(fc.record({ mode: fc.constantFrom('crl', 'ocsp', 'ocsp-then-crl', 'none'), failure: fc.constantFrom('soft', 'hard') }));

const filesCase: fc.Arbitrary<FilesCase> = depth.chain((n) => fc.record({
  via: fc.constant('files' as const),
  shapes: chainOf(certShape, n),
  revocation,
  mutateAt: fc.integer({ min: 0, max: 1 }),
  mutation,
}));

const ODD_DN = fc.constantFrom(
  'CN=localhost', 'CN=Ünïcødé,O=Örg', 'CN=日本語', 'CN=a\\,b,O=c\\+d', 'CN=a+O=b', `CN=${'x'.repeat(200)}`,
  'O=no common name', 'CN=,O=empty value', 'C=ZZ,ST=nowhere,L=x,O=y,OU=z,CN=all parts', 'CN=trailing space ', 'CN=emoji 🔐',
);

const ODD_SERIAL = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(undefined, '00', '0', '01', '7f', '80', 'ff', `7f${'ff'.repeat(19)}`, `${'ab'.repeat(20)}`) },
  { weight: 1, arbitrary: fc.constantFrom('0001', `00${'12'.repeat(19)}`) },
);

const ODD_DNS = fc.constantFrom('localhost', '*.localhost', 'xn--nxasmq6b.test', 'UPPER.CASE.TEST', 'trailing.dot.', 'a'.repeat(63) + '.test', 'under_score.test');

const specCert = fc.record({
  key: odd(fc.constantFrom(...KEY_ALGORITHMS.filter((k) => k !== 'rsa-3072' && k !== 'rsa-4096'))),
  // md5 and sha1 exist only with RSA (the loader says so): rarer
  signature: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(undefined, 'sha256', 'sha384', 'sha512') }, { weight: 1, arbitrary: fc.constantFrom(...SIGNATURE_HASHES) }),
  subject: ODD_DN,
  serial: ODD_SERIAL,
  san: odd(fc.record({
    dns: odd(fc.oneof(fc.constant([] as string[]), fc.array(ODD_DNS, { maxLength: 5 }), fc.integer({ min: 50, max: 400 }).map((n) => [...Array.from({ length: n }, (_, i) => `h${i}.fuzz.test`), 'localhost']))),
    ip: odd(fc.constantFrom(['127.0.0.1'], ['::1'], ['127.0.0.1', '::1', '0.0.0.0'], [] as string[])),
    uri: odd(fc.constantFrom(['spiffe://fuzz.test/a'], ['urn:x'], [] as string[])),
    email: odd(fc.constantFrom(['a@b.test'], ['ünï@côdé.test'], [] as string[])),
  }, { requiredKeys: [] })),
  validity: odd(fc.oneof({ weight: 8, arbitrary: fc.constantFrom(
    { notBefore: '1950-01-01T00:00:00Z', notAfter: '9999-12-31T23:59:59Z' },
    { notBefore: '2049-12-31T23:59:59Z', notAfter: '2050-01-01T00:00:01Z' },
    { notBefore: 'now', notAfter: '+1s' },
    { notBefore: '-3650d', notAfter: '+1y' },
  ) }, { weight: 1, arbitrary: fc.constant({ notBefore: '+1d', notAfter: '-1d' }) })),
  keyUsage: odd(fc.constantFrom([] as string[], ['digitalSignature'], ['keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'], ['keyAgreement'])),
  extKeyUsage: odd(fc.constantFrom([] as string[], ['serverAuth', 'clientAuth', 'codeSigning'], ['ocspSigning'], ['timeStamping'])),
  policies: odd(fc.constantFrom(['2.5.29.32.0'], ['1.2.3.4.5.6.7.8.9.10.11.12'], ['2.23.140.1.2.1', '2.5.29.32.0'])),
  crlDistributionPoints: odd(fc.constantFrom('auto' as const, ['http://127.0.0.1:1/none.crl'], ['ldap://ldap.fuzz.test/cn=x'], [] as string[])),
  ocsp: odd(fc.constantFrom('auto' as const, ['http://127.0.0.1:1/ocsp'], [] as string[])),
  mustStaple: odd(fc.boolean()),
  nameConstraints: odd(fc.constantFrom(
    { permitted: { dns: ['localhost'] } }, { excluded: { ip: ['127.0.0.0/8'] } }, { permitted: { dns: [] as string[] }, critical: false },
    { permitted: { email: ['.test'], uri: ['.test'] }, excluded: { dns: ['localhost'] } },
  )),
  broken: odd(fc.record({
    badSignature: odd(fc.boolean()),
    unknownCriticalExtension: odd(fc.boolean()),
    omitBasicConstraints: odd(fc.boolean()),
    omitKeyIdentifiers: odd(fc.boolean()),
    wrongIssuerName: odd(ODD_DN),
  }, { requiredKeys: [] })),
}, { requiredKeys: ['subject'] });

const specCase: fc.Arbitrary<SpecCase> = depth.chain((n) => fc.record({
  via: fc.constant('spec' as const),
  certs: chainOf(specCert, n).map((certs) => certs.map((c, i) => withChainRole(c as Record<string, unknown>, i, n))),
  client: fc.record({
    driver: fc.constantFrom('node-tls', 'node-https', 'undici'),
    revocation,
  }, { requiredKeys: ['driver'] }),
}));

/** ids, roles and issuers make a chain; everything else stays odd */
function withChainRole(c: Record<string, unknown>, i: number, n: number): Record<string, unknown> {
  const role = i === n - 1 && n > 1 ? 'server' : i === 0 ? 'root' : 'intermediate';
  const cert: Record<string, unknown> = { ...dropUndefined(c), id: `c${i}`, role };
  if (i > 0) cert.issuer = `c${i - 1}`;
  // keep 100-deep chains quick: RSA keys would be generated per certificate
  if (n > 10) cert.key = 'ec-p256';
  return cert;
}

function dropUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => (
    [k, v && typeof v === 'object' && !Array.isArray(v) ? dropUndefined(v as Record<string, unknown>) : v]
  )));
}

/** the cases for a seed: every other one through pki.files, the rest through the spec */
export function fuzzCases(count: number, seed: number): FuzzCase[] {
  const files = fc.sample(filesCase, { seed, numRuns: Math.ceil(count / 2) });
  const specs = fc.sample(specCase, { seed: seed + 1, numRuns: Math.floor(count / 2) });
  return Array.from({ length: count }, (_, i) => (i % 2 === 0 ? files[i / 2]! : specs[(i - 1) / 2]!));
}

// ---------------------------------------------------------------- scenario files

/** writes the case's files under dir; returns the scenario file */
export function writeCase(c: FuzzCase, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'case.yaml');
  const doc = c.via === 'files' ? filesDocument(c, dir) : specDocument(c);
  writeFileSync(file, `${JSON.stringify(doc, null, 1)}\n`);
  return file;
}

function filesDocument(c: FilesCase, dir: string): unknown {
  const chain = oddChain(c.shapes);
  const target = Math.max(0, chain.length - 1 - c.mutateAt);
  const files: Record<string, { cert: string; key?: string }> = {};
  chain.forEach((cert, i) => {
    const der = i === target ? mutate(cert.der, c.mutation) : cert.der;
    writeFileSync(join(dir, `c${i}.pem`), pemOf(der));
    files[`c${i}`] = { cert: `c${i}.pem` };
  });
  const leaf = `c${chain.length - 1}`;
  writeFileSync(join(dir, 'leaf.key'), chain.at(-1)!.keyPem, { mode: 0o600 });
  files[leaf]!.key = 'leaf.key';
  const between = chain.slice(1, -1).map((_, i) => `c${i + 1}`).reverse();
  return {
    pki: { files },
    scenarios: [
      { name: 'odd chain', server: { cert: leaf, chain: between }, client: { trust: ['c0'], servername: 'localhost', ...(c.revocation ? { revocation: c.revocation } : {}) }, expect: { outcome: 'accept' } },
      { name: 'odd chain, partial trust in its issuer', server: { cert: leaf, chain: [] }, client: { trust: [chain.length > 1 ? `c${chain.length - 2}` : leaf], servername: 'localhost', allowPartialTrustChain: true }, expect: { outcome: 'reject' } },
    ],
  };
}

function specDocument(c: SpecCase): unknown {
  const leaf = c.certs.at(-1)!.id as string;
  return {
    pki: { certs: c.certs },
    scenarios: [
      { name: 'odd spec', server: { cert: leaf }, client: { ...c.client, trust: ['c0'], servername: 'localhost' }, expect: { outcome: 'accept' } },
    ],
  };
}

// ---------------------------------------------------------------- the campaign

export interface FuzzOutcome {
  cases: number;
  /** cases whose file the loader refused with problems (exit 2 in the CLI) */
  validationErrors: number;
  scenarios: number;
  /** `passed`, `failed`, `error`, `skipped` */
  verdicts: Record<string, number>;
  /** `accepted`, or the rejection's category */
  observed: Record<string, number>;
  /** a few validation messages, for the curious */
  sampleProblems: string[];
  /** loader exceptions, "bug in tlsgate" problems, internal errors, uncaught exceptions: must be empty */
  crashes: string[];
  ms: number;
}

export interface FuzzOptions {
  count: number;
  seed: number;
  concurrency: number;
  /** cases per batch: files of a batch are written, loaded and run together */
  batch?: number;
  timeoutMs?: number;
  onProgress?: (done: number, outcome: FuzzOutcome) => void;
}

export async function runCertFuzz(opts: FuzzOptions): Promise<FuzzOutcome> {
  return runFuzzCases(fuzzCases(opts.count, opts.seed), opts);
}

/** the campaign over given cases (a subset, to replay one) */
export async function runFuzzCases(cases: readonly FuzzCase[], opts: Omit<FuzzOptions, 'count' | 'seed'>): Promise<FuzzOutcome> {
  const started = performance.now();
  const root = mkdtempSync(join(tmpdir(), 'tlsgate-cert-fuzz-'));
  const outcome: FuzzOutcome = { cases: 0, validationErrors: 0, scenarios: 0, verdicts: {}, observed: {}, sampleProblems: [], crashes: [], ms: 0 };
  const engine = await createEngine({ certsDir: join(root, 'certs'), timeoutMs: opts.timeoutMs ?? 3000 });
  try {
    const batch = opts.batch ?? 50;
    for (let from = 0; from < cases.length; from += batch) {
      const scenarios = await loadBatch(cases.slice(from, from + batch), from, root, outcome);
      await runBatch(scenarios, engine, opts, outcome);
      rmSync(join(root, 'cases'), { recursive: true, force: true });
      opts.onProgress?.(Math.min(from + batch, cases.length), outcome);
    }
  } finally {
    await engine.close();
    rmSync(root, { recursive: true, force: true });
  }
  outcome.ms = Math.round(performance.now() - started);
  return outcome;
}

async function loadBatch(cases: readonly FuzzCase[], offset: number, root: string, outcome: FuzzOutcome): Promise<Scenario[]> {
  const scenarios: Scenario[] = [];
  for (const [i, c] of cases.entries()) {
    const n = offset + i;
    outcome.cases++;
    const where = `case ${n} (${c.via})`;
    let file: string;
    try {
      file = writeCase(c, join(root, 'cases', String(n)));
    } catch (err) {
      throw new Error(`the fuzz could not build ${where}: ${(err as Error).stack}`);
    }
    try {
      const loaded = await loadScenarios([file]);
      if (loaded.problems.length) {
        outcome.validationErrors++;
        for (const p of loaded.problems) {
          if (/bug in tlsgate/i.test(`${p.message} ${p.hint}`)) outcome.crashes.push(`${where}: the loader failed: ${p.message}`);
          else if (outcome.sampleProblems.length < 12) outcome.sampleProblems.push(`${p.path}  ${p.message}`);
        }
      }
      scenarios.push(...loaded.scenarios.map((s) => ({ ...s, name: `${where}: ${s.name}`, id: `${where}#${s.name}` })));
    } catch (err) {
      outcome.crashes.push(`${where}: loadScenarios threw: ${(err as Error).stack ?? String(err)}`);
    }
  }
  return scenarios;
}

async function runBatch(scenarios: Scenario[], engine: Awaited<ReturnType<typeof createEngine>>, opts: Pick<FuzzOptions, 'concurrency' | 'timeoutMs'>, outcome: FuzzOutcome): Promise<void> {
  if (!scenarios.length) return;
  const timeoutMs = opts.timeoutMs ?? 3000;
  // timeoutMs bounds connections, not preparation: issuing a 100-deep chain on a busy machine takes
  // longer than the default grace, and a verdict is what the fuzz is after
  const { results, internalErrors } = await runSuite(scenarios, {
    execute: (s, signal) => engine.run(s, signal), reporters: [], timeoutMs, concurrency: opts.concurrency, graceMs: 120_000,
  });
  for (const r of results) {
    outcome.scenarios++;
    count(outcome.verdicts, r.verdict.status);
    const obs = r.observations[0];
    if (obs) count(outcome.observed, obs.outcome === 'accepted' ? 'accepted' : obs.category ?? 'uncategorized');
    else if (r.verdict.status === 'error' && !isInternalError(r.verdict)) count(outcome.observed, `no connection: ${r.verdict.message.slice(0, 60)}`);
  }
  outcome.crashes.push(...internalErrors.map(describeInternalError));
}

function count(into: Record<string, number>, key: string): void {
  into[key] = (into[key] ?? 0) + 1;
}
