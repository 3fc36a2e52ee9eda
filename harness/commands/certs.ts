/**
 * `tlsgate certs <scenario>`: write one scenario's materials to a folder, with the openssl and
 * curl command lines that reproduce its handshake by hand.
 */
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { issuePki } from '../../ca/factory.js';
import { RevocationServers } from '../../ca/revocation-servers.js';
import type { Scenario } from '../model.js';
import { loadScenarios } from '../scenario/load.js';
import { formatProblem } from '../scenario/problems.js';
import { loadPemFiles, ScenarioMaterials } from '../scenario-materials.js';
import { clientAnchorIds } from '../tls-plans.js';

export interface CertsArgs {
  paths: string[];
  /** scenario id, or a name if it is unique */
  scenario: string;
  out: string;
  certsDir: string;
}

export async function certsCommand(args: CertsArgs): Promise<number> {
  const { scenarios, problems } = await loadScenarios(args.paths);
  if (problems.length) {
    for (const p of problems) process.stderr.write(formatProblem(p) + '\n');
    return 2;
  }
  const matches = scenarios.filter((s) => s.id === args.scenario || s.name === args.scenario);
  if (matches.length !== 1) {
    process.stderr.write(matches.length === 0
      ? `tlsgate certs: no scenario named '${args.scenario}' (see \`tlsgate list\` for ids)\n`
      : `tlsgate certs: '${args.scenario}' names ${matches.length} scenarios; use one of these ids:\n${matches.map((s) => `  ${s.id}`).join('\n')}\n`);
    return 2;
  }
  const scenario = matches[0]!;
  const m = await materialsFor(scenario, args.certsDir);
  await writeMaterials(m, args.out);
  process.stdout.write(`wrote ${m.ids().length} certificates of '${scenario.id}' to ${args.out}\n\n${reproduction(scenario, m, args.out)}`);
  return 0;
}

/** URLs written as `auto` point at a revocation server that lives only as long as this command */
async function materialsFor(s: Scenario, certsDir: string): Promise<ScenarioMaterials> {
  const usesAuto = s.pki.certs.some((c) => c.crlDistributionPoints === 'auto' || c.ocsp === 'auto' || c.caIssuers === 'auto');
  const servers = usesAuto ? await RevocationServers.start() : undefined;
  try {
    const generated = s.pki.certs.length
      ? await issuePki(s.pki, { cacheDir: certsDir, endpoints: servers?.endpointsFor('certs') })
      : undefined;
    return new ScenarioMaterials(generated, await loadPemFiles(s.pemFiles));
  } finally {
    await servers?.close();
  }
}

async function writeMaterials(m: ScenarioMaterials, out: string): Promise<void> {
  await mkdir(out, { recursive: true });
  for (const id of m.ids()) {
    const cert = m.get(id);
    await writeAtomic(join(out, `${id}.pem`), cert.pem, 0o644);
    await writeAtomic(join(out, `${id}.chain.pem`), m.pems([id, ...m.defaultChain(id)]), 0o644);
    if (cert.keyPem) await writeAtomic(join(out, `${id}.key`), cert.keyPem, 0o600);
  }
}

async function writeAtomic(path: string, text: string, mode: number): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode });
  await chmod(tmp, mode);
  await rename(tmp, path);
}

function reproduction(s: Scenario, m: ScenarioMaterials, out: string): string {
  const f = (name: string) => join(out, name);
  const anchors = clientAnchorIds(s, m);
  const caFile = anchors === 'system' ? undefined : f(`${anchors[0]}.pem`);
  const server = s.server.cert;
  const name = s.client.servername;
  const lines = [
    '# the server end:',
    `openssl s_server -accept 127.0.0.1:8443 -cert ${f(`${server}.pem`)} -key ${f(`${s.server.key ?? server}.key`)} -cert_chain ${f(`${server}.chain.pem`)} -www`,
    '# the client end (openssl), stopping on the first verification error:',
    `openssl s_client -connect 127.0.0.1:8443 -servername ${name} ${caFile ? `-CAfile ${caFile} ` : ''}-verify_return_error -verify_hostname ${name} </dev/null`,
    '# the client end (curl):',
    `curl ${caFile ? `--cacert ${caFile} ` : ''}--resolve ${name}:8443:127.0.0.1 https://${name}:8443/`,
  ];
  if (s.client.identity) {
    const id = s.client.identity;
    lines.push('# with the client identity:', `  add to s_client: -cert ${f(`${id}.chain.pem`)} -key ${f(`${id}.key`)}   (curl: --cert ${f(`${id}.chain.pem`)} --key ${f(`${id}.key`)})`);
  }
  return lines.join('\n') + '\n';
}
