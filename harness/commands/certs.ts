/**
 * `tlsgate certs <scenario>`: write one scenario's materials to a folder, with the openssl and
 * curl command lines that reproduce its handshake by hand.
 */
import { isIP } from 'node:net';
import { join } from 'node:path';
import { writeFileAtomic } from '../../ca/atomic-file.js';
import { issuePki } from '../../ca/factory.js';
import { RevocationServers } from '../../ca/revocation-servers.js';
import type { Scenario } from '../model.js';
import { loadScenarios } from '../scenario/load.js';
import { formatProblem } from '../scenario/problems.js';
import { loadPemFiles, ScenarioMaterials } from '../scenario-materials.js';
import { pointsAtTlsgate } from '../scenario/revocation-needs.js';
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
  await writeMaterials(scenario, m, args.out);
  process.stdout.write(`wrote ${m.ids().length} certificates of '${scenario.id}' to ${args.out}\n\n${reproduction(scenario, m, args.out)}`);
  return 0;
}

/** URLs written as `auto` point at a revocation server that lives only as long as this command */
async function materialsFor(s: Scenario, certsDir: string): Promise<ScenarioMaterials> {
  const servers = pointsAtTlsgate(s) ? await RevocationServers.start() : undefined;
  try {
    const generated = s.pki.certs.length
      ? await issuePki(s.pki, { cacheDir: certsDir, endpoints: servers?.endpointsFor('certs') })
      : undefined;
    return new ScenarioMaterials(generated, await loadPemFiles(s.pemFiles));
  } finally {
    await servers?.close();
  }
}

/** files the reproduction commands name: what the scenario's server sends and what its client trusts */
const SERVER_SENDS = 'server-sends.pem';
const CLIENT_TRUSTS = 'client-trusts.pem';

async function writeMaterials(s: Scenario, m: ScenarioMaterials, out: string): Promise<void> {
  const anchors = clientAnchorIds(s, m);
  await writeFileAtomic(join(out, SERVER_SENDS), m.pems(s.server.chain ?? m.defaultChain(s.server.cert)), { mode: 0o644 });
  if (anchors !== 'system') await writeFileAtomic(join(out, CLIENT_TRUSTS), m.pems(anchors), { mode: 0o644 });
  for (const id of m.ids()) {
    const cert = m.get(id);
    await writeFileAtomic(join(out, `${id}.pem`), cert.pem, { mode: 0o644 });
    await writeFileAtomic(join(out, `${id}.chain.pem`), m.pems([id, ...m.defaultChain(id)]), { mode: 0o644 });
    if (cert.keyPem) await writeFileAtomic(join(out, `${id}.key`), cert.keyPem, { mode: 0o600 });
  }
}

function reproduction(s: Scenario, m: ScenarioMaterials, out: string): string {
  const f = (name: string) => join(out, name);
  const caFile = clientAnchorIds(s, m) === 'system' ? undefined : f(CLIENT_TRUSTS);
  const server = s.server.cert;
  const sendsChain = (s.server.chain ?? m.defaultChain(server)).length > 0;
  const name = s.client.servername;
  const ip = isIP(name.replace(/^\[(.*)\]$/, '$1')) !== 0;
  const lines = [
    `# the server end (sends what the scenario's server sends${sendsChain ? '' : ': the leaf alone'}):`,
    `openssl s_server -accept 127.0.0.1:8443 -cert ${f(`${server}.pem`)} -key ${f(`${s.server.key ?? server}.key`)}${sendsChain ? ` -cert_chain ${f(SERVER_SENDS)}` : ''} -www`,
    '# the client end (openssl), stopping on the first verification error:',
    `openssl s_client -connect 127.0.0.1:8443 ${ip ? `-verify_ip ${name}` : `-servername ${name} -verify_hostname ${name}`} ${caFile ? `-CAfile ${caFile} ` : ''}-verify_return_error </dev/null`,
    '# the client end (curl):',
    ip ? `curl ${caFile ? `--cacert ${caFile} ` : ''}https://127.0.0.1:8443/` : `curl ${caFile ? `--cacert ${caFile} ` : ''}--resolve ${name}:8443:127.0.0.1 https://${name}:8443/`,
  ];
  if (s.client.identity) {
    const id = s.client.identity;
    lines.push('# with the client identity:', `  add to s_client: -cert ${f(`${id}.chain.pem`)} -key ${f(`${id}.key`)}   (curl: --cert ${f(`${id}.chain.pem`)} --key ${f(`${id}.key`)})`);
  }
  return lines.join('\n') + '\n';
}
