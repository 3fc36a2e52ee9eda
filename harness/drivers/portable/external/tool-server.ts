/**
 * What the two server drivers (openssl-s_server, gnutls-serv) share: write the plan's materials
 * to 0600 scratch files, start the tool where it listens on loopback only, wait until it listens,
 * and read each step's server observation from its output. The tool is killed and its files
 * removed on close, on abort and on any failure to start.
 *
 * Where it listens: a tool that takes a host (s_server) gets the loopback address and a port
 * (the tools take no port 0: bind port 0, release, hand it over, and retry with a new one when
 * the tool reports the address in use). A tool that binds every interface (gnutls-serv) runs in
 * a private network namespace behind a loopback bridge (private-network.ts), or not at all.
 */
import type { ServerObservation } from '../../../model/domain.js';
import { emptyServerObservation } from '../server-observation.js';
import { SERVER_SETTLE_MS } from '../step-connections.js';
import { TlsSetupError } from '../setup-error.js';
import type { ServerDriver, ServerHandle, ServerHooks, ServerPlan } from '../types.js';
import { freeLoopbackPort, listensOn, PORT_ATTEMPTS } from './loopback-port.js';
import { ScratchFiles } from './scratch-files.js';
import { ToolProcess } from './tool-process.js';
import { INSIDE_PORT, requirePrivateNetwork, startInPrivateNetwork, type PrivateNetworkTool } from './private-network.js';
import { LoopbackBridge } from './loopback-bridge.js';
import { requireTool, toolVersion, type ExternalTool } from './tools.js';
import { pemBlocks } from './pem.js';

/** the plan's materials as files in the tool's scratch folder */
export interface ServerFiles {
  /** the leaf */
  cert: string;
  /** what is sent after the leaf, in plan order; undefined when the leaf goes alone */
  chain?: string;
  /** leaf then chain in one file (for tools that take the whole list in one file) */
  certAndChain: string;
  key: string;
  clientCa?: string;
  crl?: string;
  /** the DER OCSP response to staple */
  staple?: string;
}

/** what one tool needs to say about itself */
export interface ToolServerSpec {
  name: string;
  tool: ExternalTool;
  /** the TLS library the tool reports as (DriverInfo.source) */
  source: string;
  args(plan: ServerPlan, files: ServerFiles, port: number): string[];
  /** the tool binds every interface (no listen-address option): it runs in a private network namespace */
  privateNetwork?: boolean;
  /** output that says the tool listens; without it, the kernel's socket table says so */
  ready?: RegExp;
  /** output that says the port was taken (not in a private network, where the port is the tool's alone) */
  addressInUse?: RegExp;
  /** output since the step began -> has this step's connection ended? */
  connectionEnded(out: string, err: string): boolean;
  /** output since the step began -> what the server saw */
  observe(out: string, err: string): Partial<ServerObservation>;
  /** answers the client through the tool's stdin, for tools that relay it (s_server) */
  answer?(out: string): { text: string; consumed: number } | undefined;
}

/** how long a tool gets to start listening */
const START_LIMIT_MS = 10000;
/** how often the socket table is read while a tool starts */
const POLL_MS = 5;

/** the server driver that starts the spec's tool for each scenario */
export function toolServerDriver(spec: ToolServerSpec): ServerDriver {
  return {
    name: spec.name,
    info: async () => ({ name: spec.name, version: await toolVersion(spec.tool), source: spec.source }),
    listen: (plan, hooks, signal) => (spec.privateNetwork ? listenInPrivateNetwork(spec, plan, hooks, signal) : listenWithTool(spec, plan, hooks, signal)),
  };
}

async function listenWithTool(spec: ToolServerSpec, plan: ServerPlan, hooks: ServerHooks, signal: AbortSignal): Promise<ServerHandle> {
  signal.throwIfAborted();
  const file = requireTool(spec.tool);
  const staple = await stapleFor(plan, hooks);
  let last = '';
  for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
    const port = await freeLoopbackPort(plan.host);
    const scratch = new ScratchFiles(spec.name);
    let proc: ToolProcess;
    try {
      proc = new ToolProcess(file, spec.args(plan, writeFiles(scratch, plan, staple), port), scratch, signal);
    } catch (err) {
      scratch.remove();
      throw err;
    }
    const ready = () => (spec.ready ? spec.ready.test(proc.stdout + proc.stderr) : listensOn(plan.host, port, proc.pid) === true);
    await proc.until(ready, START_LIMIT_MS, POLL_MS);
    signal.throwIfAborted();
    if (proc.running && ready()) return new ToolServerHandle(spec, proc, plan.host, port);
    await proc.close();
    last = `${proc.stderr}${proc.stdout}`.trim();
    if (!spec.addressInUse?.test(last)) throw didNotStart(spec, proc);
  }
  throw new Error(`${spec.name}: no free loopback port after ${PORT_ATTEMPTS} attempts: ${lastLines(last)}`);
}

/** the tool refused its own configuration (a key it cannot load, a bad flag): an observation */
const didNotStart = (spec: ToolServerSpec, proc: ToolProcess): TlsSetupError =>
  new TlsSetupError('server', undefined, `${spec.name} did not start (${proc.describeExit()}): ${lastLines(`${proc.stderr}${proc.stdout}`.trim())}`);

/** the tool in its own network namespace, on a fixed port there; the scenario's address is the bridge's */
async function listenInPrivateNetwork(spec: ToolServerSpec, plan: ServerPlan, hooks: ServerHooks, signal: AbortSignal): Promise<ServerHandle> {
  signal.throwIfAborted();
  const file = requireTool(spec.tool);
  const helpers = await requirePrivateNetwork(spec.name);
  const staple = await stapleFor(plan, hooks);
  signal.throwIfAborted();
  const scratch = new ScratchFiles(spec.name);
  let tool: PrivateNetworkTool;
  try {
    tool = startInPrivateNetwork(helpers, file, spec.args(plan, writeFiles(scratch, plan, staple), INSIDE_PORT), scratch, signal);
  } catch (err) {
    scratch.remove();
    throw err;
  }
  const { proc } = tool;
  await proc.until(() => tool.listening || tool.error !== undefined, START_LIMIT_MS);
  signal.throwIfAborted();
  if (!proc.running || !tool.listening) {
    await proc.close();
    if (tool.error) throw new Error(`${spec.name}: ${tool.error}`);
    throw didNotStart(spec, proc);
  }
  let bridge: LoopbackBridge;
  try {
    bridge = await LoopbackBridge.open(plan.host, () => tool.connect());
  } catch (err) {
    await proc.close();
    throw err;
  }
  void proc.ended().then(() => bridge.close()); // the address goes with the tool, on every path
  signal.throwIfAborted();
  return new ToolServerHandle(spec, proc, bridge.host, bridge.port, bridge);
}

const lastLines = (text: string): string => text.split('\n').filter(Boolean).slice(-4).join(' | ');

/** the staple is fetched once, before the tool starts: the tools read it from a file */
async function stapleFor(plan: ServerPlan, hooks: ServerHooks): Promise<Buffer | null> {
  if (!hooks.ocspStaple) return null;
  const [leaf, issuer] = pemBlocks(plan.certChainPem).map((block) => block.der);
  if (!leaf) return null;
  try {
    return await hooks.ocspStaple(leaf, issuer ?? null);
  } catch {
    return null; // a responder failure means no staple, as on a real server
  }
}

function writeFiles(scratch: ScratchFiles, plan: ServerPlan, staple: Buffer | null): ServerFiles {
  const blocks = pemBlocks(plan.certChainPem);
  const chain = blocks.slice(1).map((b) => b.pem).join('');
  return {
    cert: scratch.write('cert.pem', blocks[0]?.pem ?? ''),
    ...(chain ? { chain: scratch.write('chain.pem', chain) } : {}),
    certAndChain: scratch.write('cert-and-chain.pem', plan.certChainPem),
    key: scratch.write('key.pem', plan.keyPem),
    ...(plan.clientCaPem?.length ? { clientCa: scratch.write('client-ca.pem', plan.clientCaPem.join('')) } : {}),
    ...(plan.crlPem?.length ? { crl: scratch.write('crl.pem', plan.crlPem.join('')) } : {}),
    ...(staple ? { staple: scratch.write('staple.der', staple) } : {}),
  };
}

class ToolServerHandle implements ServerHandle {
  /** where the current step's output begins */
  private outFrom = 0;
  private errFrom = 0;
  /** stdout already answered (s_server relays stdin to the client) */
  private answeredUpTo = 0;

  constructor(
    private readonly spec: ToolServerSpec, private readonly proc: ToolProcess, readonly host: string, readonly port: number,
    private readonly bridge?: LoopbackBridge,
  ) {
    if (spec.answer) void this.answerLoop();
  }

  reset(): void {
    this.outFrom = this.proc.stdout.length;
    this.errFrom = this.proc.stderr.length;
    this.answeredUpTo = Math.max(this.answeredUpTo, this.outFrom);
  }

  async observation(): Promise<ServerObservation> {
    const ended = () => this.spec.connectionEnded(this.stepOut(), this.stepErr());
    await this.proc.until(ended, SERVER_SETTLE_MS);
    // stdout and stderr are two pipes: what the tool wrote on one before the line that ended the
    // connection on the other is ready in the same turn of the event loop; let that turn finish
    for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
    const seen = this.spec.observe(this.stepOut(), this.stepErr());
    // stapleSent stays false: neither tool says whether it sent the staple (the client's revocation record does)
    return { ...emptyServerObservation(), ...seen };
  }

  async close(): Promise<void> {
    await this.proc.close();
    await this.bridge?.close();
  }

  private stepOut(): string {
    return this.proc.stdout.slice(this.outFrom);
  }

  private stepErr(): string {
    return this.proc.stderr.slice(this.errFrom);
  }

  /** writes the wire protocol's answer whenever the client's data shows up in the tool's output */
  private async answerLoop(): Promise<void> {
    while (this.proc.running) {
      let reply: { text: string; consumed: number } | undefined;
      await this.proc.until(() => (reply = this.spec.answer!(this.proc.stdout.slice(this.answeredUpTo))) !== undefined, 60000);
      if (!reply) continue;
      this.answeredUpTo += (reply as { consumed: number }).consumed;
      this.proc.write((reply as { text: string }).text);
    }
  }
}
