/**
 * Judge an Observation against an Expectation. Pure: no I/O. The verdict message always says
 * "expected X, got Y" so a failing CI line is readable without the report.
 */
import { canonicalGroup } from './group-names.js';
import type { Expectation, Mismatch, Observation, Verdict } from '../model/domain.js';
import { describeObservation } from '../model/observation-text.js';

type Check = (exp: Expectation, obs: Observation) => Mismatch | undefined;

const mismatch = (field: string, expected: unknown, actual: unknown): Mismatch => ({ field, expected, actual });

const outcomeCheck: Check = (exp, obs) => {
  const want = exp.outcome === 'accept' ? 'accepted' : 'rejected';
  return obs.outcome === want ? undefined : mismatch('outcome', want, obs.outcome);
};

/** exact-value fields: checked only when the expectation names them */
const simpleFields = ['category', 'side', 'protocol', 'cipher', 'group', 'alpn'] as const;

const simpleChecks: Check[] = simpleFields.map((field) => (exp, obs) => {
  const want = exp[field];
  if (want === undefined) return undefined;
  const got = obs[field] ?? (field === 'alpn' || field === 'group' ? false : undefined);
  const same = field === 'group' && typeof want === 'string' && typeof got === 'string' ? canonicalGroup(want) === got : want === got;
  return same ? undefined : mismatch(field, want, got);
});

const codeCheck: Check = (exp, obs) => {
  if (!exp.code || exp.code.length === 0) return undefined;
  const got = [obs.code, obs.server.authorizationError].filter((c): c is string => !!c);
  return got.some((c) => exp.code!.includes(c)) ? undefined : mismatch('code', exp.code.length === 1 ? exp.code[0] : exp.code, obs.code);
};

const messageCheck: Check = (exp, obs) => {
  if (exp.message === undefined) return undefined;
  const text = [obs.message, obs.server.errorMessage].filter(Boolean).join(' | ');
  return new RegExp(exp.message, 'i').test(text) ? undefined : mismatch('message', `/${exp.message}/i`, text || undefined);
};

const peerCheck: Check = (exp, obs) => {
  const want = exp.peer;
  if (!want) return undefined;
  const peer = obs.peer;
  if (want.subject !== undefined && !sameSubject(want.subject, peer?.subject)) return mismatch('peer.subject', want.subject, peer?.subject);
  if (want.spiffeId !== undefined && want.spiffeId !== peer?.spiffeId) return mismatch('peer.spiffeId', want.spiffeId, peer?.spiffeId);
  if (want.san !== undefined) {
    const got = [...(peer?.san ?? [])].sort();
    const exp2 = [...want.san].sort();
    if (JSON.stringify(got) !== JSON.stringify(exp2)) return mismatch('peer.san', want.san, peer?.san);
  }
  return undefined;
};

/** DNs compare without caring about spaces after separators */
function sameSubject(a: string, b: string | undefined): boolean {
  const norm = (s: string) => s.split(/\s*[,\n]\s*/).filter(Boolean).join(',');
  return b !== undefined && norm(a) === norm(b);
}

const clientCertCheck: Check = (exp, obs) => {
  const want = exp.clientCert;
  if (!want) return undefined;
  if (want.presented !== undefined && want.presented !== obs.server.clientCertPresented) {
    return mismatch('clientCert.presented', want.presented, obs.server.clientCertPresented);
  }
  if (want.authorized !== undefined && want.authorized !== obs.server.authorized) {
    return mismatch('clientCert.authorized', want.authorized, obs.server.authorized);
  }
  return undefined;
};

const revocationCheckedCheck: Check = (exp, obs) => {
  const want = exp.revocationChecked;
  if (!want) return undefined;
  const asked = new Set<string>(obs.revocationRequests.map((r) => r.server));
  for (const c of obs.revocation) if (c.source === 'staple') asked.add('staple');
  const missing = want.filter((s) => !asked.has(s));
  return missing.length === 0 ? undefined : mismatch('revocationChecked', want, [...asked].sort());
};

/** a connection said to be kept (or resumed) must have been, and one said to be new must not */
const reusedCheck: Check = (exp, obs) => {
  const want = exp.reused;
  if (!want) return undefined;
  const connection = obs.connectionReused ?? false;
  const session = obs.sessionReused ?? false;
  if (want.connection !== undefined && want.connection !== connection) return mismatch('reused.connection', want.connection, connection);
  if (want.session !== undefined && want.session !== session) return mismatch('reused.session', want.session, session);
  return undefined;
};

const authenticatedByCheck: Check = (exp, obs) =>
  (exp.authenticatedBy === undefined || exp.authenticatedBy === obs.authenticatedBy ? undefined : mismatch('authenticatedBy', exp.authenticatedBy, obs.authenticatedBy));

const CHECKS: Check[] = [
  outcomeCheck, codeCheck, ...simpleChecks, messageCheck, peerCheck, clientCertCheck, revocationCheckedCheck, reusedCheck, authenticatedByCheck,
];

export function judge(exp: Expectation, obs: Observation): Verdict {
  const mismatches = CHECKS.map((c) => c(exp, obs)).filter((m): m is Mismatch => m !== undefined);
  if (mismatches.length === 0) return { status: 'passed' };
  return { status: 'failed', mismatches, message: `expected ${describeExpectation(exp)}, got ${describeObservation(obs)}` };
}

export function describeExpectation(exp: Expectation): string {
  const parts = [exp.outcome];
  const details = [
    exp.category && `category ${exp.category}`,
    exp.code && `code ${exp.code.join('|')}`,
    exp.side && `side ${exp.side}`,
    exp.protocol, exp.cipher, exp.group !== undefined && `group ${exp.group === false ? 'none' : exp.group}`,
    exp.alpn !== undefined && `alpn ${exp.alpn === false ? 'none' : exp.alpn}`,
  ].filter(Boolean);
  return details.length ? `${parts[0]} (${details.join(', ')})` : parts[0]!;
}

