/**
 * A tool that cannot be told to listen on loopback only (gnutls-serv binds its port on every
 * interface) runs in a private network namespace: `unshare` makes a user, network and PID
 * namespace whose only interface is its own loopback, reachable by no one outside. The relay
 * (netns-relay.ts, the namespace's first process) starts the tool there on a fixed port (nothing
 * else listens inside, so no race) and hands tlsgate connections to it; a loopback bridge
 * (loopback-bridge.ts) is the scenario's server address on 127.0.0.1 or ::1.
 *
 * The tool, the relay and unshare are one process group, signalled together; `--kill-child` and
 * the PID namespace end the rest when unshare ends; the relay ends the namespace when tlsgate
 * goes. Where the namespace cannot be made, the scenario is skipped saying why and how to allow
 * it: the tool never binds the host's interfaces instead.
 */
import { execFile } from 'node:child_process';
import type { Socket } from 'node:net';
import { createRequire } from 'node:module';
import { delimiter, dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FromRelay } from './relay-protocol.js';
import type { ScratchFiles } from './scratch-files.js';
import { ToolProcess } from './tool-process.js';
import { locateTool, UNAVAILABLE_CODE, type ExternalTool } from './tools.js';

/** the tool's port inside its namespace: the namespace is the tool's alone */
export const INSIDE_PORT = 4433;

const UNSHARE: ExternalTool = { command: 'unshare', debianPackage: 'util-linux', versionArgs: ['--version'] };
const IP: ExternalTool = { command: 'ip', debianPackage: 'iproute2', versionArgs: ['-V'] };
/** ip lives in sbin, which a user's PATH may leave out */
const IP_PATH = [process.env.PATH ?? '', '/usr/sbin', '/sbin'].join(delimiter);

const NAMESPACE_FLAGS = ['--user', '--map-root-user', '--net', '--pid', '--fork', '--kill-child'];

/** netns-relay: the compiled .js (what users run), or under tsx the .ts source, loaded through tsx there too */
function relayEntry(): string[] {
  const here = fileURLToPath(import.meta.url);
  const ext = extname(here);
  const entry = join(dirname(here), `netns-relay${ext}`);
  return ext === '.ts' ? ['--import', pathToFileURL(createRequire(here).resolve('tsx')).href, entry] : [entry];
}

interface Helpers {
  unshare: string;
  ip: string;
}

let checked: Promise<Helpers> | undefined;

/**
 * unshare and ip, once this machine has shown it makes the namespace (checked once per process,
 * with the very flags the tool runs under); else the "unavailable" error: the scenario is skipped
 */
export function requirePrivateNetwork(toolName: string): Promise<Helpers> {
  checked ??= checkPrivateNetwork();
  return checked.catch((err: Error) => {
    throw unavailable(`${toolName} binds every interface; tlsgate runs it in a private network namespace (unshare -rn), ${err.message}`);
  });
}

async function checkPrivateNetwork(): Promise<Helpers> {
  const unshare = locateTool(UNSHARE);
  if (!unshare) throw new Error('and unshare is not installed: install the Debian package util-linux (apt-get install -y util-linux)');
  const ip = locateTool(IP, IP_PATH);
  if (!ip) throw new Error('and ip (to bring its loopback up) is not installed: install the Debian package iproute2 (apt-get install -y iproute2)');
  await new Promise<void>((resolve, reject) => {
    execFile(unshare, [...NAMESPACE_FLAGS, '--', ip, 'link', 'set', 'lo', 'up'], { timeout: 10000 }, (err, _out, stderr) => {
      if (!err) return resolve();
      const said = String(stderr).trim() || err.message;
      reject(new Error(`which this machine refuses (${said}): allow user namespaces (sysctl kernel.unprivileged_userns_clone=1 and user.max_user_namespaces > 0; on Ubuntu 24.04 also kernel.apparmor_restrict_unprivileged_userns=0; in a container, a seccomp profile that permits unshare)`));
    });
  });
  return { unshare, ip };
}

const unavailable = (message: string): Error => Object.assign(new Error(message), { code: UNAVAILABLE_CODE });

/** the tool, started inside its own namespace by the relay; its stdout and stderr are the tool's own */
export function startInPrivateNetwork(helpers: Helpers, file: string, args: string[], scratch: ScratchFiles, signal: AbortSignal): PrivateNetworkTool {
  const relayArgs = ['--no-warnings', ...relayEntry(), helpers.ip, String(INSIDE_PORT), scratch.dir, file, ...args];
  // the relay and the tool make no TLS connection that Node's trust store could serve, and Node
  // reads NODE_EXTRA_CA_CERTS before any script (40 ms of a relay's start where it names the
  // system bundle)
  const proc = new ToolProcess(helpers.unshare, [...NAMESPACE_FLAGS, '--', process.execPath, ...relayArgs], scratch, signal, { processGroup: true, ipc: true, withoutEnv: ['NODE_EXTRA_CA_CERTS'] });
  return new PrivateNetworkTool(proc);
}

/** the tool's process tree, and connections into its namespace */
export class PrivateNetworkTool {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (s: Socket) => void; reject: (e: Error) => void }>();
  private ready = false;
  private relayError: string | undefined;

  constructor(readonly proc: ToolProcess) {
    proc.onMessage((message, socket) => this.receive(message as FromRelay, socket));
    void proc.ended().then(() => this.failWaiting('the tool has ended'));
  }

  /** true once the tool listens inside its namespace */
  get listening(): boolean {
    return this.ready;
  }

  /** what the relay could not do, if anything (the namespace's loopback, starting the tool) */
  get error(): string | undefined {
    return this.relayError;
  }

  /** a new TCP connection to the tool, made inside its namespace */
  connect(): Promise<Socket> {
    const id = this.nextId++;
    return new Promise<Socket>((resolve, reject) => {
      if (!this.proc.running) return reject(new Error('the tool has ended'));
      this.waiting.set(id, { resolve, reject });
      this.proc.send({ type: 'connect', id });
    });
  }

  private receive(message: FromRelay, socket: Socket | undefined): void {
    if (message.type === 'ready') this.ready = true;
    else if (message.type === 'error') this.relayError = message.message;
    else {
      const waiter = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      if (message.type === 'connected' && socket) waiter?.resolve(socket);
      else waiter?.reject(new Error(message.type === 'connect-failed' ? message.message : 'no socket came'));
    }
  }

  private failWaiting(why: string): void {
    for (const waiter of this.waiting.values()) waiter.reject(new Error(why));
    this.waiting.clear();
  }
}
