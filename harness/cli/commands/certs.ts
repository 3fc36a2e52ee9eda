/**
 * `tlsgate certs <scenario>`: write one scenario's materials to a folder, with the openssl and
 * curl command lines that reproduce its handshake by hand, or the reason they cannot.
 */
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../../../ca/issue/atomic-file.js';
import { RevocationServers } from '../../../ca/servers/revocation-servers.js';
import type { Scenario } from '../../model/domain.js';
import { whyNotExpressible } from '../../reproduce/not-expressible.js';
import { renderReproduction } from '../../reproduce/render.js';
import { reproduction, type Reproduction } from '../../reproduce/reproduction.js';
import { CERTS_NAMESPACE, scenarioCrls } from '../../reproduce/scenario-crls.js';
import { loadScenarios } from '../../scenario/load.js';
import { formatProblem } from '../../scenario/problems.js';
import { loadPemFiles, ScenarioMaterials } from '../../session/scenario-materials.js';
import { issueScenarioPki } from '../../session/session-pki.js';
import { needsRevocationServers } from '../../scenario/revocation-needs.js';

export interface CertsArgs {
  paths: string[];
  /** scenario id, or a name if it is unique */
  scenario: string;
  out: string;
  certsDir: string;
  /** the port the printed s_server listens on and the clients connect to */
  port: number;
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
  const written = await writeScenarioCerts(matches[0]!, { out: args.out, certsDir: args.certsDir, port: args.port });
  process.stdout.write(written.text);
  return 0;
}

export interface WrittenCerts {
  reproduction: Reproduction;
  /** what `tlsgate certs` prints */
  text: string;
}

/** writes the scenario's materials and reproduction files to `out`; the printed text says how to use them */
export async function writeScenarioCerts(s: Scenario, opts: { out: string; certsDir: string; port: number }): Promise<WrittenCerts> {
  const out = resolve(opts.out);
  const { m, repro } = await materialsAndReproduction(s, opts.certsDir, out, opts.port);
  await writeMaterials(m, out);
  if (repro.expressible) {
    for (const [name, content] of repro.commands.files) await writeFileAtomic(join(out, name), content, { mode: 0o644 });
  }
  return { reproduction: repro, text: `wrote ${m.ids().length} certificates of '${s.id}' to ${out}\n\n${renderReproduction(repro)}` };
}

/** URLs written as `auto` point at revocation servers that live only as long as this command; CRLs are fetched from them meanwhile */
async function materialsAndReproduction(s: Scenario, certsDir: string, out: string, port: number): Promise<{ m: ScenarioMaterials; repro: Reproduction }> {
  const servers = needsRevocationServers(s) ? await RevocationServers.start() : undefined;
  try {
    const files = await loadPemFiles(s.pemFiles);
    const generated = s.pki.certs.length
      ? await issueScenarioPki(s, files, { cacheDir: certsDir, endpoints: servers?.endpointsFor(CERTS_NAMESPACE) })
      : undefined;
    const m = new ScenarioMaterials(generated, files.certs, files.crls);
    // CRLs only for a scenario the lines can express: a faulted CRL server may not answer at all
    const crls = whyNotExpressible(s, m) ? {} : await scenarioCrls(s, generated, m, servers, AbortSignal.timeout(30_000));
    return { m, repro: reproduction(s, m, { out, port, crls }) };
  } finally {
    await servers?.close();
  }
}

async function writeMaterials(m: ScenarioMaterials, out: string): Promise<void> {
  for (const id of m.ids()) {
    const cert = m.get(id);
    await writeFileAtomic(join(out, `${id}.pem`), cert.pem, { mode: 0o644 });
    await writeFileAtomic(join(out, `${id}.chain.pem`), m.pems([id, ...m.defaultChain(id)]), { mode: 0o644 });
    if (cert.keyPem) await writeFileAtomic(join(out, `${id}.key`), cert.keyPem, { mode: 0o600 });
  }
}
