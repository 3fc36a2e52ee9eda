/** The terminal text of `tlsgate serve`: what is up, and commands that check each leaf. */
import { join } from 'node:path';
import type { Manifest, ManifestEntry } from './manifest.js';

export function describeServe(m: Manifest, out: string): string {
  const f = (name: string) => join(out, name);
  const byId = new Map(m.certificates.map((c) => [c.id, c]));
  const rootOf = (c: ManifestEntry): ManifestEntry => {
    let current = c;
    while (current.issuer !== null && byId.get(current.issuer)) current = byId.get(current.issuer)!;
    return current;
  };
  const rows = m.certificates.map((c) => [c.id, c.role, c.serial.slice(0, 16), c.revoked ? `REVOKED (${c.revoked.reason})` : 'good', c.https ?? '']);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length), 4));
  const table = rows.map((r) => r.map((cell, i) => (i < 4 ? cell.padEnd(widths[i]!) : cell)).join('  ').trimEnd()).join('\n');
  const lines = [
    `tlsgate serve: PKI written to ${out} (manifest.json lists every file; PKCS#12 passphrase '${m.pkcs12Passphrase}')`,
    `  CRL server      ${m.crlServer}`,
    `  OCSP responder  ${m.ocspResponder}`,
    '',
    table,
    '',
  ];
  for (const c of m.certificates.filter((x) => x.issuer !== null && (x.role === 'server' || x.role === 'client'))) {
    const issuer = byId.get(c.issuer!)!;
    const root = rootOf(c);
    const crlUrls = chainIssuers(c, byId).map((id) => `${byId.get(id)!.crlUrl ?? ''}`).filter(Boolean);
    const crlSources = [...new Set([c.crlUrl!, ...crlUrls])].map((u) => `'${u}?format=pem'`).join(' ');
    lines.push(`# ${c.id} (${c.revoked ? 'revoked' : 'good'})`);
    lines.push(`openssl ocsp -issuer ${f(issuer.files.cert)} -cert ${f(c.files.cert)} -url ${c.ocspUrl} -CAfile ${f(root.files.cert)}`);
    lines.push(`curl -s ${crlSources} > ${f('crls.pem')} && openssl verify -crl_check_all -CAfile ${f(root.files.cert)} -untrusted ${f(issuer.files.cert)} -CRLfile ${f('crls.pem')} ${f(c.files.cert)}`);
    if (c.https) lines.push(`curl -sS --cacert ${f(root.files.cert)} --cert-status ${c.https}    # checks the stapled OCSP answer`);
    if (c.role === 'client') {
      const server = m.certificates.find((x) => x.https);
      if (server) lines.push(`curl -sS --cacert ${f(rootOf(server).files.cert)} --cert ${f(c.files.chain)} --key ${f(c.files.key)} ${server.https}`);
    }
    lines.push('');
  }
  lines.push('Press Ctrl-C to stop (servers close, files stay).');
  return lines.join('\n') + '\n';
}

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
