/**
 * What the three client drivers (openssl-s_client, gnutls-cli, curl) share: the plan's
 * materials as 0600 scratch files, one run of the tool bounded by the plan's timeout (killed on
 * every path), the wire protocol (the ping on stdin, for the tools that relay it), and the
 * observation read from exit status and output by the tool's own reader. Never judged here.
 */
import type { ClientObservation } from '../../../model/domain.js';
import { CODES } from '../../../model/codes.js';
import { answersPing, isIpLiteral, PING, timeoutMessage } from '../client-common.js';
import type { ClientDriver, ClientPlan } from '../types.js';
import { ScratchFiles } from './scratch-files.js';
import { ToolProcess } from './tool-process.js';
import { requireTool, toolVersion, type ExternalTool } from './tools.js';
import { pemBlocks } from './pem.js';

export interface ClientFiles {
  ca?: string;
  /** the client's leaf */
  cert?: string;
  /** the client's chain after its leaf */
  chain?: string;
  /** leaf then chain in one file */
  certAndChain?: string;
  key?: string;
  crl?: string;
}

/** what the tool printed when it ended (or was stopped) */
export interface ToolRun {
  out: string;
  err: string;
  /** exit status; null when tlsgate stopped it */
  code: number | null;
  /** tlsgate stopped it at the plan's timeout */
  timedOut: boolean;
}

export interface ToolClientSpec {
  name: string;
  tool: ExternalTool;
  /** the TLS library the tool reports as (DriverInfo.source) */
  source: string;
  args(plan: ClientPlan, files: ClientFiles): string[];
  /** the tool relays stdin to the server: send the ping */
  sendsPing: boolean;
  /** the tool's output says the handshake completed */
  handshakeDone(out: string, err: string): boolean;
  /** the tool's own answer to the run, before the wire protocol's rule */
  read(run: ToolRun): ClientObservation;
}

/** the client driver that runs the spec's tool once per connection */
export function toolClientDriver(spec: ToolClientSpec): ClientDriver {
  return {
    name: spec.name,
    info: async () => ({ name: spec.name, version: await toolVersion(spec.tool), source: spec.source }),
    connect: (plan, _hooks, signal) => runToolClient(spec, plan, signal),
  };
}

async function runToolClient(spec: ToolClientSpec, plan: ClientPlan, signal: AbortSignal): Promise<ClientObservation> {
  signal.throwIfAborted();
  const file = requireTool(spec.tool);
  const scratch = new ScratchFiles(spec.name);
  let proc: ToolProcess;
  try {
    proc = new ToolProcess(file, spec.args(plan, writeFiles(scratch, plan)), scratch, signal);
  } catch (err) {
    scratch.remove();
    throw err;
  }
  try {
    if (spec.sendsPing) proc.write(PING);
    await proc.until(() => answersPing(dataOf(proc.stdout)), plan.timeoutMs);
    signal.throwIfAborted();
    const answered = answersPing(dataOf(proc.stdout));
    const timedOut = proc.running && !answered;
    if (proc.running) await proc.close();
    const run: ToolRun = { out: proc.stdout, err: proc.stderr, code: answered || timedOut ? null : proc.code ?? null, timedOut };
    const seen = spec.read(run);
    const { code: _code, message: _message, alert: _alert, ...negotiated } = seen;
    if (answered) return { ...negotiated, outcome: 'accepted' };
    if (timedOut) return { ...negotiated, outcome: 'rejected', code: CODES.timeout, message: timeoutMessage(plan.timeoutMs, spec.handshakeDone(run.out, run.err)) };
    return seen;
  } finally {
    await proc.close();
  }
}

/** the tools print the server's data on stdout among their own lines; the answer is a line of its own */
const dataOf = (out: string): string => out.split('\n').map((line) => `${line}\n`).find((line) => answersPing(line)) ?? '';

/** IP literals are checked as IPs and sent without SNI; names are checked and sent as SNI */
export const checksIp = (plan: ClientPlan): boolean => isIpLiteral(plan.servername);

function writeFiles(scratch: ScratchFiles, plan: ClientPlan): ClientFiles {
  const identity = plan.certChainPem ? pemBlocks(plan.certChainPem) : [];
  const chain = identity.slice(1).map((b) => b.pem).join('');
  return {
    ...(plan.caPem?.length ? { ca: scratch.write('ca.pem', plan.caPem.join('')) } : {}),
    ...(identity[0] ? { cert: scratch.write('cert.pem', identity[0].pem), certAndChain: scratch.write('cert-and-chain.pem', plan.certChainPem!) } : {}),
    ...(chain ? { chain: scratch.write('chain.pem', chain) } : {}),
    ...(plan.keyPem ? { key: scratch.write('key.pem', plan.keyPem) } : {}),
    ...(plan.crlPem?.length ? { crl: scratch.write('crl.pem', plan.crlPem.join('')) } : {}),
  };
}
