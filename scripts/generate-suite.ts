/**
 * Writes a synthetic suite of N scenarios (for scaling benchmarks): files of 50 scenarios, each
 * file with its own small PKI, cycling through chain, hostname, mTLS and protocol checks whose
 * verdicts are known. Run: node dist/scripts/generate-suite.js <count> <folder>
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const PER_FILE = 50;

const TEMPLATES: readonly string[] = [
  '{ name: "valid chain %", server: { cert: leaf }, expect: { outcome: accept } }',
  '{ name: "expired leaf %", server: { cert: expired }, expect: { outcome: reject, category: expired } }',
  '{ name: "hostname mismatch %", server: { cert: leaf }, client: { servername: other.test }, expect: { outcome: reject, category: hostname-mismatch } }',
  '{ name: "missing intermediate %", server: { cert: leaf, chain: [] }, expect: { outcome: reject, category: incomplete-chain } }',
  '{ name: "mtls %", server: { cert: leaf, clientCert: require }, client: { identity: client }, expect: { outcome: accept } }',
  '{ name: "tls 1.2 %", server: { cert: leaf }, client: { maxVersion: TLSv1.2 }, expect: { outcome: accept, protocol: TLSv1.2 } }',
];

function fileText(index: number, count: number): string {
  const pki = [
    'pki:',
    '  certs:',
    `    - { id: root, role: root, subject: "CN=bench root ${index}" }`,
    `    - { id: int, role: intermediate, issuer: root, subject: "CN=bench int ${index}" }`,
    '    - { id: leaf, role: server, issuer: int, subject: "CN=localhost", san: { dns: [localhost] } }',
    '    - { id: expired, role: server, issuer: int, subject: "CN=localhost", san: { dns: [localhost] }, validity: { notBefore: -30d, notAfter: -1d } }',
    '    - { id: client, role: client, issuer: int, subject: "CN=bench client" }',
    'scenarios:',
  ];
  const scenarios = Array.from({ length: count }, (_, i) => `  - ${TEMPLATES[(index * PER_FILE + i) % TEMPLATES.length]!.replace('%', `${index}.${i}`)}`);
  return [...pki, ...scenarios].join('\n') + '\n';
}

export async function generateSuite(count: number, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const files = Math.ceil(count / PER_FILE);
  for (let f = 0; f < files; f++) {
    const n = Math.min(PER_FILE, count - f * PER_FILE);
    await writeFile(join(dir, `suite-${String(f).padStart(4, '0')}.yaml`), fileText(f, n));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [count, dir] = [Number(process.argv[2]), process.argv[3]];
  if (!Number.isInteger(count) || count < 1 || !dir) {
    process.stderr.write('usage: generate-suite <count> <folder>\n');
    process.exit(2);
  }
  await generateSuite(count, dir);
}
