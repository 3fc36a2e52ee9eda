/**
 * Certificate ids used by scenarios (and defaults) must name a certificate of the file's PKI:
 * generated (`pki.certs`) or from PEM files (`pki.files`). Revocation and faults act on what
 * tlsgate's own CA issued, so those sites accept generated certificates only.
 *
 * This runs on the raw document, before or despite schema problems: it looks only at values of
 * the right type, and leaves wrong types to the schema check (one problem per issue).
 * References inside the PKI (issuer, keyFrom, revoked) are validatePkiSpec's.
 */
import { finding, type Finding } from '../problems.js';
import { quote } from '../quote.js';
import { didYouMean, listForHint } from './suggest.js';
import { isRecord, type YamlPath } from '../yaml/yaml-path.js';

export interface KnownCerts {
  generated: ReadonlySet<string>;
  files: ReadonlySet<string>;
}

/** which sites accept which certificates */
type Accepts = 'any' | 'generated';
/** a site holds one id or a list of ids; the other shape is a schema problem, not a reference */
type Shape = 'one' | 'list';
type Site = readonly [key: string, shape: Shape, accepts: Accepts];

const SERVER_REFERENCES: readonly Site[] = [
  ['cert', 'one', 'any'], ['chain', 'list', 'any'], ['key', 'one', 'any'], ['clientCa', 'list', 'any'], ['crl', 'list', 'generated'],
];
const CLIENT_REFERENCES: readonly Site[] = [['trust', 'list', 'any'], ['identity', 'one', 'any']];
/** certificate lists under client.environment (CA files the client's process starts with) */
const ENVIRONMENT_REFERENCES = ['extraCaCerts', 'sslCertFile'] as const;

export function knownCerts(root: unknown): KnownCerts {
  const pki = isRecord(root) && isRecord(root.pki) ? root.pki : {};
  const certs = Array.isArray(pki.certs) ? pki.certs : [];
  const generated = new Set(certs.flatMap((c) => (isRecord(c) && typeof c.id === 'string' ? [c.id] : [])));
  const files = new Set(isRecord(pki.files) ? Object.keys(pki.files) : []);
  return { generated, files };
}

export function referenceFindings(root: unknown, known: KnownCerts): Finding[] {
  if (!isRecord(root)) return [];
  const check = referenceChecker(known);
  const findings: Finding[] = [];
  if (isRecord(root.defaults)) findings.push(...endFindings(root.defaults, ['defaults'], check));
  const scenarios = Array.isArray(root.scenarios) ? root.scenarios : [];
  scenarios.forEach((scenario, i) => {
    if (isRecord(scenario)) findings.push(...scenarioFindings(scenario, ['scenarios', i], check));
  });
  return findings;
}

type Checker = (value: unknown, path: YamlPath, shape: Shape, accepts: Accepts) => Finding[];

function scenarioFindings(scenario: Record<string, unknown>, path: YamlPath, check: Checker): Finding[] {
  const findings = endFindings(scenario, path, check);
  eachRecord(scenario.faults, (fault, j) => {
    for (const key of ['ca', 'cert']) findings.push(...check(fault[key], [...path, 'faults', j, key], 'one', 'generated'));
  });
  eachRecord(scenario.then, (step, k) => {
    for (const key of ['revoke', 'unrevoke']) findings.push(...check(step[key], [...path, 'then', k, key], 'list', 'generated'));
  });
  return findings;
}

/** the server and client ends of a scenario or of the defaults */
function endFindings(owner: Record<string, unknown>, path: YamlPath, check: Checker): Finding[] {
  const findings: Finding[] = [];
  const ends = [['server', SERVER_REFERENCES], ['client', CLIENT_REFERENCES]] as const;
  for (const [end, references] of ends) {
    const settings = owner[end];
    if (!isRecord(settings)) continue;
    for (const [key, shape, accepts] of references) findings.push(...check(settings[key], [...path, end, key], shape, accepts));
    if (end === 'client' && isRecord(settings.environment)) {
      for (const key of ENVIRONMENT_REFERENCES) findings.push(...check(settings.environment[key], [...path, end, 'environment', key], 'list', 'any'));
    }
    if (end === 'client' && isRecord(settings.proxy)) {
      findings.push(...check(settings.proxy.cert, [...path, end, 'proxy', 'cert'], 'one', 'any'), ...check(settings.proxy.trust, [...path, end, 'proxy', 'trust'], 'list', 'any'));
    }
  }
  return findings;
}

function referenceChecker(known: KnownCerts): Checker {
  const all = [...known.generated, ...known.files];
  const one = (id: string, path: YamlPath, accepts: Accepts): Finding[] => {
    if (known.generated.has(id)) return [];
    if (known.files.has(id)) {
      return accepts === 'any' ? [] : [finding(path, `${quote(id)} comes from pki.files; only certificates tlsgate generates (pki.certs) can be revoked, given faults or serve CRLs`)];
    }
    const hint = isSystemInTrustList(id, path) ? SYSTEM_IN_LIST_HINT : unknownHint(id, accepts === 'any' ? all : [...known.generated]);
    return [finding(path, `unknown certificate ${quote(id)}`, hint)];
  };
  // `trust: system` (Node's own store) is not a list, so it is never taken for an id
  return (value, path, shape, accepts) => {
    if (shape === 'one') return typeof value === 'string' ? one(value, path, accepts) : [];
    if (!Array.isArray(value)) return [];
    return value.flatMap((item, i) => (typeof item === 'string' ? one(item, [...path, i], accepts) : []));
  };
}

/** `trust: [system]`: the user meant Node's own store, which is the bare value, not a list item */
const isSystemInTrustList = (id: string, path: YamlPath): boolean => id === 'system' && path.at(-2) === 'trust';
const SYSTEM_IN_LIST_HINT = "for Node's own CA store write `trust: system` (a plain value, not a list); a list holds certificate ids only";

function unknownHint(id: string, candidates: readonly string[]): string {
  if (candidates.length === 0) return 'this file defines no certificates: add them under pki.certs (generated) or pki.files (PEM files)';
  return `${didYouMean(id, candidates)}known ids: ${listForHint(candidates)}`;
}

function eachRecord(list: unknown, visit: (item: Record<string, unknown>, index: number) => void): void {
  if (!Array.isArray(list)) return;
  list.forEach((item, i) => {
    if (isRecord(item)) visit(item, i);
  });
}
