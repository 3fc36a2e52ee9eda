/**
 * A scenario's first connection as openssl (and curl) command lines over the files they name, or
 * the precise reason it cannot be expressed that way.
 */
import { join } from 'node:path';
import type { Scenario } from '../model/domain.js';
import type { ScenarioMaterials } from '../session/scenario-materials.js';
import { clientAnchorIds, serverClientAnchors } from '../session/tls-plans.js';
import { whyNotExpressible } from './not-expressible.js';
import { curlCommand, sClientArgs, sServerArgs, type Address, type CurlCommand, type IdentityFiles, type SClientPlan, type SServerPlan } from './openssl-commands.js';
import type { ScenarioCrls } from './scenario-crls.js';

/** the files the commands name, beside every certificate (`<id>.pem`) and key (`<id>.key`) */
export const FILES = {
  serverSends: 'server-sends.pem',
  clientTrusts: 'client-trusts.pem',
  clientSends: 'client-sends.pem',
  serverTrustsForClients: 'server-client-cas.pem',
} as const;

export interface Commands {
  /** file name (in the output folder) -> content */
  files: Map<string, string>;
  server: string[];
  client: string[];
  curl: CurlCommand;
  /** what a reader should know to read the lines right */
  notes: string[];
}

export type Reproduction = { expressible: true; commands: Commands } | { expressible: false; reason: string };

export interface ReproductionInputs {
  /** absolute folder the files are written to */
  out: string;
  port: number;
  crls: ScenarioCrls;
}

export function reproduction(s: Scenario, m: ScenarioMaterials, inputs: ReproductionInputs): Reproduction {
  const reason = whyNotExpressible(s, m) ?? inputs.crls.clientNotExpressible;
  if (reason) return { expressible: false, reason };
  const files = new Map<string, string>();
  const path = (name: string, content?: string) => {
    if (content !== undefined) files.set(name, content);
    return join(inputs.out, name);
  };
  const address: Address = { host: s.client.connect, port: inputs.port };
  const server = serverEnd(s, m, inputs.crls.server, address, path);
  const client = clientEnd(s, m, inputs.crls.client, address, path);
  const anchors = clientAnchorIds(s, m);
  const anchorsIncludeNonRoot = anchors !== 'system' && anchors.some((id) => m.pathToRoot(id).length > 1);
  return {
    expressible: true,
    commands: { files, server: sServerArgs(server), client: sClientArgs(client), curl: curlCommand(client, { anchorsIncludeNonRoot }), notes: notesFor(s, inputs.crls) },
  };
}

function notesFor(s: Scenario, crls: ScenarioCrls): string[] {
  const oneCrl = '(-CRL would load only one)';
  return [
    ...(crls.server?.length ? [`${FILES.serverTrustsForClients} holds the client CAs, then the CRL of every CA the server checks ${oneCrl}`] : []),
    ...(crls.client?.length ? [`${FILES.clientTrusts} holds the trust anchors, then the CRLs a crl-mode client fetched from the distribution points ${oneCrl}`] : []),
    ...(s.client.identity && s.client.identityFormat === 'pkcs12' ? ['the scenario hands Node the client identity as PKCS#12; the same key and certificates are given here as PEM'] : []),
    ...(s.client.trust === 'system' ? ["the client trusts the system store: s_client uses OpenSSL's default paths where Node uses its bundled root store; neither holds tlsgate's roots"] : []),
  ];
}

type PathOf = (name: string, content?: string) => string;

/** a certificate, its key, and the file of what is sent after it (none when that is nothing) */
function identity(m: ScenarioMaterials, cert: string, key: string, chain: string[], chainFile: string, path: PathOf): IdentityFiles {
  return {
    certFile: path(`${cert}.pem`),
    keyFile: path(`${key}.key`),
    ...(chain.length ? { chainFile: path(chainFile, m.pems(chain)), certAndChainFile: path(`${cert}.sends.pem`, m.pems([cert, ...chain])) } : {}),
  };
}

const withCrls = (pems: string, crls: readonly string[] | undefined): string =>
  pems + (crls ?? []).map((c) => c.trimEnd() + '\n').join('');

function serverEnd(s: Scenario, m: ScenarioMaterials, crls: string[] | undefined, listen: Address, path: PathOf): SServerPlan {
  const end = s.server;
  return {
    listen,
    identity: identity(m, end.cert, end.key ?? end.cert, end.chain ?? m.defaultChain(end.cert), FILES.serverSends, path),
    minVersion: end.minVersion, maxVersion: end.maxVersion, ciphers: end.ciphers, ecdhCurve: end.ecdhCurve, alpn: end.alpn,
    clientCert: end.clientCert,
    ...(end.clientCert !== 'none' ? { clientCaFile: path(FILES.serverTrustsForClients, withCrls(m.pems(serverClientAnchors(s, m)), crls)) } : {}),
    crlCheck: !!crls?.length,
  };
}

function clientEnd(s: Scenario, m: ScenarioMaterials, crls: string[] | undefined, connect: Address, path: PathOf): SClientPlan {
  const end = s.client;
  const anchors = clientAnchorIds(s, m);
  return {
    connect,
    servername: end.servername,
    ...(end.checkName === false ? { checkName: false } : {}),
    ...(anchors !== 'system' ? { caFile: path(FILES.clientTrusts, withCrls(m.pems(anchors), crls)) } : {}),
    allowPartialTrustChain: !!end.allowPartialTrustChain,
    minVersion: end.minVersion, maxVersion: end.maxVersion, ciphers: end.ciphers, ecdhCurve: end.ecdhCurve, alpn: end.alpn,
    ...(end.identity ? { identity: identity(m, end.identity, end.identity, m.defaultChain(end.identity), FILES.clientSends, path) } : {}),
    crlCheck: !!crls?.length,
  };
}
