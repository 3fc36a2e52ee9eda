/**
 * Certificate ids used by scenarios (and defaults) must name a certificate of the file's PKI:
 * generated (`pki.certs`) or from PEM files (`pki.files`). Revocation and faults act on what
 * tlsgate's own CA issued, so those sites accept generated certificates only.
 *
 * This runs on the raw document, before or despite schema problems: it looks only at values of
 * the right type, and leaves wrong types to the schema check (one problem per issue).
 * References inside the PKI (issuer, keyFrom, revoked) are validatePkiSpec's, but for those
 * that name a files certificate (an issuer, a revoked one), which are checked here.
 */
import { finding, type Finding } from '../problems.js';
import { filesAuthorityProblem, type FilesCertFacts, type FilesUse } from './files-authority.js';
import { quote } from '../quote.js';
import { didYouMean, listForHint } from './suggest.js';
import { isRecord, type YamlPath } from '../yaml/yaml-path.js';

export interface KnownCerts {
  generated: ReadonlySet<string>;
  files: ReadonlySet<string>;
  /** files entries whose certificate file could not be read (its problem is reported): their `<id>#n` are not judged */
  unread?: ReadonlySet<string>;
  /** what the files hold about each of their certificates (keys, issuers, CRLs) */
  facts?: ReadonlyMap<string, FilesCertFacts>;
}

/** which sites accept which certificates: any, or a files certificate only for a use tlsgate can sign for */
type Accepts = 'any' | FilesUse;
/** a site holds one id or a list of ids; the other shape is a schema problem, not a reference */
type Shape = 'one' | 'list';
type Site = readonly [key: string, shape: Shape, accepts: Accepts];

const SERVER_REFERENCES: readonly Site[] = [
  ['cert', 'one', 'any'], ['chain', 'list', 'any'], ['key', 'one', 'any'], ['clientCa', 'list', 'any'], ['crl', 'list', 'crl'],
];
const CLIENT_REFERENCES: readonly Site[] = [['trust', 'list', 'any'], ['identity', 'one', 'any']];
/** what a `then` step's `rotate` names */
const ROTATE_REFERENCES: ReadonlyArray<readonly [string, Shape]> = [['cert', 'one'], ['chain', 'list'], ['key', 'one'], ['identity', 'one']];
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
  const findings: Finding[] = [...pkiFilesReferences(root, check, known)];
  if (isRecord(root.defaults)) findings.push(...endFindings(root.defaults, ['defaults'], check));
  const scenarios = Array.isArray(root.scenarios) ? root.scenarios : [];
  scenarios.forEach((scenario, i) => {
    if (isRecord(scenario)) findings.push(...scenarioFindings(scenario, ['scenarios', i], check));
  });
  return findings;
}

type Checker = (value: unknown, path: YamlPath, shape: Shape, accepts: Accepts) => Finding[];

/**
 * pki.revoked and pki.responders entries that name files certificates, and generated
 * certificates whose issuer is one (validatePkiSpec checks the generated ones)
 */
function pkiFilesReferences(root: Record<string, unknown>, check: Checker, known: KnownCerts): Finding[] {
  const pki = isRecord(root.pki) ? root.pki : {};
  const findings: Finding[] = [];
  eachRecord(pki.certs, (c, i) => {
    if (typeof c.issuer === 'string' && known.files.has(c.issuer) && !known.generated.has(c.issuer)) findings.push(...check(c.issuer, ['pki', 'certs', i, 'issuer'], 'one', 'issuer'));
  });
  eachRecord(pki.revoked, (r, i) => findings.push(...check(r.cert, ['pki', 'revoked', i, 'cert'], 'one', 'about')));
  eachRecord(pki.responders, (r, i) => findings.push(...check(r.ca, ['pki', 'responders', i, 'ca'], 'one', 'ca'), ...check(r.signer, ['pki', 'responders', i, 'signer'], 'one', 'ca')));
  return findings;
}

function scenarioFindings(scenario: Record<string, unknown>, path: YamlPath, check: Checker): Finding[] {
  const findings = endFindings(scenario, path, check);
  eachRecord(scenario.faults, (fault, j) => {
    findings.push(...check(fault.ca, [...path, 'faults', j, 'ca'], 'one', 'ca'), ...check(fault.cert, [...path, 'faults', j, 'cert'], 'one', 'about'));
  });
  eachRecord(scenario.then, (step, k) => {
    for (const key of ['revoke', 'unrevoke']) findings.push(...check(step[key], [...path, 'then', k, key], 'list', 'about'));
    findings.push(...check(step.retrust, [...path, 'then', k, 'retrust'], 'list', 'any'));
    if (isRecord(step.rotate)) {
      for (const [key, shape] of ROTATE_REFERENCES) findings.push(...check(step.rotate[key], [...path, 'then', k, 'rotate', key], shape, 'any'));
    }
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
      const problem = accepts === 'any' || !known.facts ? undefined : filesAuthorityProblem(id, accepts, known.facts);
      return problem ? [finding(path, problem.message, problem.hint)] : [];
    }
    const bundle = /^(.+)#\d+$/.exec(id)?.[1];
    if (bundle !== undefined && known.unread?.has(bundle)) return [];
    if (bundle !== undefined && known.files.has(bundle)) {
      const held = all.filter((c) => c === bundle || c.startsWith(`${bundle}#`));
      return [finding(path, `${quote(bundle)} holds ${held.length} certificate${held.length === 1 ? '' : 's'}, so ${quote(id)} names none`, `a bundle's certificates are ${listForHint(held)}, in file order`)];
    }
    const hint = isSystemInTrustList(id, path) ? SYSTEM_IN_LIST_HINT : unknownHint(id, all);
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
