/**
 * The terminal text of `tlsgate serve`: what is up, and commands that check each leaf. Paths are
 * absolute (the commands work from any folder) and curl fails on an HTTP error (-f), so a command
 * that prints nothing wrong really got an answer. The commands ask this serve's servers; where a
 * certificate's own CDP/AIA names something else (or nothing), a comment says so.
 */
import { join } from 'node:path';
import type { Manifest, ManifestEntry } from './manifest.js';

export function describeServe(m: Manifest, out: string): string {
  const f = (name: string) => sh(join(out, name));
  const byId = new Map(m.certificates.map((c) => [c.id, c]));
  const rootOf = (c: ManifestEntry): ManifestEntry => {
    let current = c;
    while (current.issuer !== null && byId.get(current.issuer)) current = byId.get(current.issuer)!;
    return current;
  };
  const rows = m.certificates.map((c) => [c.id, c.role, c.serial.slice(0, 16), c.revoked ? `REVOKED (${c.revoked.reason})` : 'good', (c.httpsUrls ?? []).join(' ')]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length), 4));
  const table = rows.map((r) => r.map((cell, i) => (i < 4 ? cell.padEnd(widths[i]!) : cell)).join('  ').trimEnd()).join('\n');
  const lines = [
    `tlsgate serve: PKI written to ${out} (manifest.json lists every file; PKCS#12 passphrase '${m.pkcs12Passphrase}')`,
    `  CRL server      ${m.crlServer}`,
    `  OCSP responder  ${m.ocspResponder}`,
    `  ports           ${m.port === null ? 'picked by the system (a restart issues a new PKI; --port BASE keeps them)' : `fixed from ${m.port} (a restart with the same --port and --out serves this PKI again)`}`,
    `  faults          ${m.faults.length ? m.faults.join(', ') : 'none'}`,
    '',
    table,
    '',
  ];
  for (const c of m.certificates.filter((x) => x.servedBy !== null && (x.role === 'server' || x.role === 'client'))) {
    const issuer = byId.get(c.issuer!)!;
    const root = rootOf(c);
    const crlSources = [c, ...chainIssuers(c, byId).map((id) => byId.get(id)!)]
      .flatMap((x) => (x.servedBy ? [sh(`${x.servedBy.crl}?format=pem`)] : []));
    lines.push(`# ${c.id} (${c.revoked ? 'revoked' : 'good'})`);
    lines.push(...pointerNotes(c));
    lines.push(`openssl ocsp -issuer ${f(issuer.files.cert)} -cert ${f(c.files.cert)} -url ${sh(c.servedBy!.ocsp)} -CAfile ${f(root.files.cert)}`);
    lines.push(`curl -fsS ${[...new Set(crlSources)].join(' ')} > ${f('crls.pem')} && openssl verify -crl_check_all -CAfile ${f(root.files.cert)} -untrusted ${f(issuer.files.cert)} -CRLfile ${f('crls.pem')} ${f(c.files.cert)}`);
    // the endpoint staples what the responder in the certificate's AIA answers
    const staples = c.ocspUrls.includes(c.servedBy!.ocsp);
    for (const url of c.httpsUrls ?? []) {
      lines.push(staples
        ? `curl -fsS --cacert ${f(root.files.cert)} --cert-status ${sh(url)}    # checks the stapled OCSP answer`
        : `curl -fsS --cacert ${f(root.files.cert)} ${sh(url)}    # no staple: its AIA names no responder of this serve`);
    }
    if (c.role === 'client') {
      const server = m.certificates.find((x) => x.https);
      if (server) lines.push(`curl -fsS --cacert ${f(rootOf(server).files.cert)} --cert ${f(c.files.chain)} --key ${f(c.files.key)} ${sh(server.https!)}    # the server checks it against the CRLs: ${c.revoked ? 'revoked' : 'verified'}`);
    }
    lines.push('');
  }
  lines.push('Press Ctrl-C to stop (servers close, files stay).');
  return lines.join('\n') + '\n';
}

/** where the certificate's own pointers differ from the URLs the commands use */
function pointerNotes(c: ManifestEntry): string[] {
  const notes: string[] = [];
  const served = c.servedBy!;
  if (c.ocspUrls.length === 0) notes.push('#   its AIA names no OCSP responder; the command asks this serve\'s');
  else if (!c.ocspUrls.includes(served.ocsp)) notes.push(`#   its AIA names ${c.ocspUrls.join(', ')}, not this serve; the command asks this serve's responder`);
  if (c.crlUrls.length === 0) notes.push('#   it has no CRL distribution point; the command fetches this serve\'s CRL of its issuer');
  else if (!c.crlUrls.includes(served.crl)) notes.push(`#   its CDP names ${c.crlUrls.join(', ')}, not this serve; the command fetches this serve's CRL`);
  return notes;
}

/** a word for sh, bash and zsh: as it is when nothing in it is special (`[::1]` is), else quoted */
const sh = (word: string): string => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

/** ids of the CAs above `c` whose own CRLs the whole-chain rule also needs */
function chainIssuers(c: ManifestEntry, byId: ReadonlyMap<string, ManifestEntry>): string[] {
  const ids: string[] = [];
  let current = c.issuer !== null ? byId.get(c.issuer) : undefined;
  while (current && current.issuer !== null && !ids.includes(current.id)) {
    ids.push(current.id);
    current = byId.get(current.issuer);
  }
  return ids;
}
