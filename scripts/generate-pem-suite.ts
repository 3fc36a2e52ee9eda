/**
 * Writes a suite that carries its certificates as PEM files (`pki.files`), for the loading
 * benchmark: FILES scenario files, each with 5 PEM files of its own (a root and an
 * intermediate shared by all, copied per file as a team's repository has them, and its own
 * server certificate, server key and client certificate), and two scenarios per file.
 * Run: node dist/scripts/generate-pem-suite.js <files> <folder>
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { issuePki } from '../ca/issue/factory.js';

export const PEMS_PER_FILE = 5;

export async function generatePemSuite(files: number, dir: string): Promise<void> {
  const certs = [
    { id: 'root', role: 'root' as const, subject: 'CN=pem bench root' },
    { id: 'int', role: 'intermediate' as const, issuer: 'root', subject: 'CN=pem bench int' },
    ...Array.from({ length: files }, (_, i) => [
      { id: `leaf${i}`, role: 'server' as const, issuer: 'int', subject: `CN=localhost ${i}`, san: { dns: ['localhost'] } },
      { id: `client${i}`, role: 'client' as const, issuer: 'int', subject: `CN=pem bench client ${i}` },
    ]).flat(),
  ];
  const m = await issuePki({ certs });
  for (let i = 0; i < files; i++) {
    const folder = join(dir, `team-${String(i).padStart(3, '0')}`);
    await mkdir(join(folder, 'pem'), { recursive: true });
    const pems: Record<string, string> = {
      'root.pem': m.get('root').pem, 'int.pem': m.get('int').pem,
      'leaf.pem': m.get(`leaf${i}`).pem, 'leaf.key': m.get(`leaf${i}`).keyPem, 'client.pem': m.get(`client${i}`).pem,
    };
    for (const [name, text] of Object.entries(pems)) await writeFile(join(folder, 'pem', name), text, { mode: 0o600 });
    await writeFile(join(folder, 'tls.yaml'), [
      'pki:',
      '  files:',
      '    root: { cert: pem/root.pem }',
      '    int: { cert: pem/int.pem }',
      '    leaf: { cert: pem/leaf.pem, key: pem/leaf.key }',
      '    client: { cert: pem/client.pem }',
      'scenarios:',
      `  - { name: "own chain ${i}", server: { cert: leaf, chain: [int] }, client: { trust: [root] }, expect: { outcome: accept } }`,
      `  - { name: "no intermediate ${i}", server: { cert: leaf, chain: [] }, client: { trust: [root] }, expect: { outcome: reject, category: incomplete-chain } }`,
      '',
    ].join('\n'));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [files, dir] = [Number(process.argv[2]), process.argv[3]];
  if (!Number.isInteger(files) || files < 1 || !dir) {
    process.stderr.write('usage: generate-pem-suite <files> <folder>\n');
    process.exit(2);
  }
  await generatePemSuite(files, dir);
}
