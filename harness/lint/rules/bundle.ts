/**
 * A file with several certificates is a bundle: judged as a server or client would send it.
 * The leaf (the one certificate that is no CA) comes first, each next certificate issues the one
 * before it (RFC 8446 4.4.2: the leaf MUST be first, each following one SHOULD certify the one
 * before; clients that do not reorder still need it), no
 * link is missing, nothing is repeated, and nothing sits there that no chain uses (an orphan:
 * often an expired or replaced certificate someone still trusts). A file of CA certificates
 * only is a trust bundle: only duplicates are judged there.
 */
import { issues, type CertFacts } from '../cert-facts.js';
import type { CertFile } from '../cert-files.js';
import { finding, type FileRule, type RuleContext, type RuleFinding } from './rule.js';

const name = (c: CertFacts): string => `#${c.ref.index} '${c.subject}'`;

export const bundleRule: FileRule = (file, ctx) => {
  const { unique, findings } = duplicates(file);
  const leaf = unique.find((c) => !c.isCa);
  if (unique.length < 2 || !leaf) return findings;
  const chain = chainFrom(leaf, unique);
  return [...findings, ...orderFindings(unique, leaf, chain), ...linkFindings(unique, chain, ctx)];
};

function duplicates(file: CertFile): { unique: CertFacts[]; findings: RuleFinding[] } {
  const seen = new Map<string, CertFacts>();
  const findings: RuleFinding[] = [];
  for (const c of file.certs) {
    const first = seen.get(c.fingerprint);
    if (first) findings.push(finding(c, 'duplicate', 'warning', `repeats certificate ${name(first)} of this file`, `remove the second copy (certificate #${c.ref.index})`));
    else seen.set(c.fingerprint, c);
  }
  return { unique: [...seen.values()], findings };
}

/** the leaf, its issuer, that one's issuer..., as far as the bundle reaches */
function chainFrom(leaf: CertFacts, certs: readonly CertFacts[]): CertFacts[] {
  const chain = [leaf];
  for (let cur = leaf; !cur.selfIssued;) {
    const next = certs.find((c) => !chain.includes(c) && issues(c, cur));
    if (!next) break;
    chain.push(next);
    cur = next;
  }
  return chain;
}

function orderFindings(certs: readonly CertFacts[], leaf: CertFacts, chain: readonly CertFacts[]): RuleFinding[] {
  if (certs[0] !== leaf) {
    return [finding(leaf, 'bundle-order', 'error', `the leaf is certificate #${leaf.ref.index}, not the first: Node and OpenSSL take the first certificate of a cert file as the server's own (its key will not match)`, 'put the leaf first, then its issuer, then that issuer\'s issuer')];
  }
  const positions = chain.map((c) => certs.indexOf(c));
  const inOrder = positions.every((p, i) => i === 0 || p > positions[i - 1]!);
  return inOrder ? [] : [finding(leaf, 'bundle-order', 'warning',
    `the chain is not in order: it runs ${chain.map(name).join(' -> ')}, but the file holds them as ${positions.map((p) => `#${p + 1}`).join(', ')}; clients that do not reorder (older Java, some embedded TLS) fail`,
    'order the file leaf first, then each certificate\'s issuer')];
}

function linkFindings(certs: readonly CertFacts[], chain: readonly CertFacts[], ctx: RuleContext): RuleFinding[] {
  const top = chain.at(-1)!;
  const rest = certs.filter((c) => !chain.includes(c));
  if (!top.selfIssued) {
    const issuerElsewhere = ctx.pool.find((c) => c.fingerprint !== top.fingerprint && issues(c, top));
    const stranded = rest.filter((c) => c.isCa);
    if ((issuerElsewhere && !issuerElsewhere.selfIssued) || stranded.length > 0) {
      const also = stranded.length ? `; the bundle's ${stranded.map(name).join(', ')} ${stranded.length === 1 ? 'is' : 'are'} not reached` : '';
      return [finding(top, 'bundle-missing-intermediate', 'error',
        `the chain stops at ${name(top)}: its issuer '${top.issuer}' is not in the bundle${issuerElsewhere ? ' (it is an intermediate, found in another file linted)' : ''}${also}; clients without that intermediate refuse the chain (UNABLE_TO_VERIFY_LEAF_SIGNATURE)`,
        `add the intermediate '${top.issuer}' after ${name(top)}`)];
    }
  }
  return rest.map((c) => finding(c, 'orphan', 'warning',
    `no chain in this bundle uses it: it issues none of the bundle's chain from the leaf ${name(chain[0]!)}`,
    'remove it from the bundle (or, if it belongs to another chain, give it its own file)'));
}
