/**
 * What the real-server oracles share: each is a ServerDriver module (its default export), so a
 * library scenario runs unchanged against the real product from Debian's packages by swapping
 * `server.driver` for the module's path. Each listen() starts a fresh server process on a free
 * loopback port in its own temp dir with the plan's certificates, and close() stops it and
 * removes the dir. The real server keeps no handshake record tlsgate can read, so its
 * observation is the empty record: verdicts come from what the client library reports.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import type { ServerHandle, ServerPlan } from '../../../harness/drivers/portable/types.js';
import { emptyServerObservation } from '../../../harness/drivers/portable/server-observation.js';
import type { ServerObservation } from '../../../harness/model/domain.js';

/** a Debian package's binary, or why the oracle cannot run */
export interface Binary { path: string; debianPackage: string }

export function missingPackages(binaries: Binary[]): string[] {
  return [...new Set(binaries.filter((b) => !existsSync(b.path)).map((b) => b.debianPackage))];
}

export async function freePort(host: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, host, resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** a temp dir the server's own user can use */
export function serverDir(prefix: string, owner?: RunAs): string {
  const dir = mkdtempSync(join(tmpdir(), `tlsgate-${prefix}-`));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  return dir;
}

/** writes a file the server reads; keys 0600 */
export function writeServerFile(path: string, text: string, owner?: RunAs, mode = 0o600): string {
  writeFileSync(path, text, { mode });
  if (owner) chownSync(path, owner.uid, owner.gid);
  return path;
}

/** a server that refuses to run as root (PostgreSQL) runs as its Debian system user */
export interface RunAs { user: string; uid: number; gid: number }

export function runAsWhenRoot(user: string): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(spawnSync('id', [flag, user], { encoding: 'utf8' }).stdout.trim());
  return { user, uid: id('-u'), gid: id('-g') };
}

export const currentUser = (): string => userInfo().username;

/** setpriv execs the server itself (runuser forks and does not pass SIGINT on), so signals reach it */
export function command(runAs: RunAs | undefined, file: string, args: string[]): [string, string[]] {
  return runAs ? ['setpriv', ['--reuid', String(runAs.uid), '--regid', String(runAs.gid), '--init-groups', '--', file, ...args]] : [file, args];
}

/**
 * starts the process and waits until its port accepts connections and, when `readyLine` is
 * given, its output shows that line (PostgreSQL accepts TCP before it accepts logins)
 */
export async function startServer(file: string, args: string[], host: string, port: number, logFile: string, readyLine?: RegExp, ownGroup = false): Promise<ChildProcess> {
  const options: SpawnOptions = ownGroup ? { detached: true } : {};
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  const output: Buffer[] = [];
  child.stdout?.on('data', (c: Buffer) => output.push(c));
  child.stderr?.on('data', (c: Buffer) => output.push(c));
  // a server that never listened leaves no handle to close: its dir goes here
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(removeDir(dirname(logFile), new Error(
    `${file} exited (${code}) before listening on ${host}:${port}: ${Buffer.concat(output).toString().slice(-2000)}${existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : ''}`,
  )))));
  exited.catch(() => undefined);
  const deadline = Date.now() + 30_000;
  const ready = async () => (!readyLine || readyLine.test(Buffer.concat(output).toString())) && accepts(host, port);
  while (!(await Promise.race([ready(), exited]))) {
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${file} did not listen on ${host}:${port} within 30 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return child;
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Stops the server; with `group` (a server started with ownGroup) its whole process group, so
 * children still handling a connection (Exim forks one per connection) end with it.
 */
export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', group = false): Promise<void> {
  const killGroup = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      // the group is gone already
    }
  };
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    if (group) killGroup(signal);
    else child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
  if (group) killGroup('SIGKILL');
}

/** what a real server's own log says about the connections since the last reset */
export type LogReader = (log: string) => Partial<ServerObservation>;

/** the handle of one real server process; `stop` ends it, then its dir goes */
export class RealServerHandle implements ServerHandle {
  private logOffset = 0;

  constructor(
    readonly host: string,
    readonly port: number,
    private readonly stop: () => Promise<void>,
    private readonly dir: string,
    private readonly log?: { file: string; read: LogReader },
  ) {}

  async observation(): Promise<ServerObservation> {
    if (!this.log) return emptyServerObservation();
    // the server writes its log line as it drops the connection: give it a moment
    await new Promise((resolve) => setTimeout(resolve, 200));
    return { ...emptyServerObservation(), ...this.log.read(this.logText().slice(this.logOffset)) };
  }

  reset(): void {
    this.logOffset = this.logText().length;
  }

  private logText(): string {
    return this.log && existsSync(this.log.file) ? readFileSync(this.log.file, 'utf8') : '';
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
    // Exim's exiting daemon logs "daemon terminated" once more and recreates its log dir: again
    await new Promise((resolve) => setTimeout(resolve, 300));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const VERSIONS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
const rank = (v: string) => VERSIONS.indexOf(v);

/**
 * The versions a server with this plan offers, named as Node and OpenSSL-based products do:
 * Node's server default floor (TLS 1.2) unless the plan's ceiling is below it (a TLS 1.1 server).
 */
export function serverVersions(plan: ServerPlan): string[] {
  const min = plan.minVersion ?? (plan.maxVersion && rank(plan.maxVersion) < rank('TLSv1.2') ? 'TLSv1' : 'TLSv1.2');
  return VERSIONS.filter((v) => rank(v) >= rank(min) && (!plan.maxVersion || rank(v) <= rank(plan.maxVersion)));
}

function removeDir<E>(dir: string, err: E): E {
  rmSync(dir, { recursive: true, force: true });
  return err;
}
