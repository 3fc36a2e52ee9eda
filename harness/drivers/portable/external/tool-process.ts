/**
 * One run of another stack's command-line tool: spawned without a shell, its stdout and stderr
 * kept (the observation is read from them), killed on every path: close(), the scenario's abort
 * (timeout, Ctrl-C), and this process's exit (a last resort for a crash). Its scratch files go
 * with it. A tool started through a helper (the private network's `unshare` and relay) runs as a
 * process group of its own, and every signal goes to the whole group, so no part outlives it.
 */
import { spawn, type ChildProcess, type Serializable } from 'node:child_process';
import { Socket } from 'node:net';
import type { ScratchFiles } from './scratch-files.js';

const live = new Set<ToolProcess>();
let exitHookInstalled = false;

function killAllOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const proc of live) proc.kill('SIGKILL');
  });
}

export interface ToolProcessOptions {
  /** the process leads a process group of its own, and signals go to the whole group */
  processGroup?: boolean;
  /** an IPC channel to the process (a Node script: the private network's relay) */
  ipc?: boolean;
  /** variables of this process's environment the tool does not get */
  withoutEnv?: readonly string[];
}

function toolEnv(without: readonly string[]): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C' };
  for (const name of without) delete env[name];
  return env;
}

/** how long a tool gets to end after SIGTERM before SIGKILL */
const KILL_GRACE_MS = 1000;

export class ToolProcess {
  private readonly child: ChildProcess;
  private out = '';
  private err = '';
  private readonly listeners = new Set<() => void>();
  private exitCode: number | null | undefined;
  private exitSignal: string | null = null;
  private readonly exited: Promise<void>;
  private readonly onAbort = () => void this.close();

  constructor(file: string, args: string[], private readonly scratch: ScratchFiles, private readonly signal: AbortSignal, private readonly options: ToolProcessOptions = {}) {
    killAllOnExit();
    this.child = spawn(file, args, {
      cwd: scratch.dir,
      stdio: options.ipc ? ['pipe', 'pipe', 'pipe', 'ipc'] : ['pipe', 'pipe', 'pipe'],
      env: toolEnv(options.withoutEnv ?? []),
      detached: options.processGroup === true,
    });
    live.add(this);
    this.child.stdout!.on('data', (chunk: Buffer) => this.add('out', chunk));
    this.child.stderr!.on('data', (chunk: Buffer) => this.add('err', chunk));
    this.child.stdin!.on('error', () => undefined); // the tool may exit before it reads its input
    this.exited = new Promise<void>((resolve) => {
      const done = (code: number | null, sig: NodeJS.Signals | null) => {
        if (this.exitCode !== undefined) return;
        this.exitCode = code;
        this.exitSignal = sig;
        live.delete(this);
        signal.removeEventListener('abort', this.onAbort);
        this.scratch.remove();
        this.notify();
        resolve();
      };
      // 'close', not 'exit': 'exit' can come before the last of stdout/stderr is read (curl
      // writes its answer and exits at once; under load its 'exit' overtook the answer)
      this.child.once('close', done);
      this.child.once('error', (e) => {
        this.err += `${e.message}\n`;
        done(null, null);
      });
    });
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  get stdout(): string {
    return this.out;
  }

  get stderr(): string {
    return this.err;
  }

  /** the exit code once the tool has ended and its output is all read (null when a signal ended it); undefined before */
  get code(): number | null | undefined {
    return this.exitCode;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** a message on the IPC channel (options.ipc); dropped once the process is gone */
  send(message: Serializable): void {
    if (this.child.connected) this.child.send(message, () => undefined);
  }

  /** listens to the IPC channel (options.ipc): each message, with the socket it carries if any; until() sees its effect */
  onMessage(listener: (message: unknown, socket: Socket | undefined) => void): void {
    this.child.on('message', (message, handle) => {
      listener(message, handle instanceof Socket ? handle : undefined);
      this.notify();
    });
  }

  write(text: string): void {
    if (this.running && this.child.stdin!.writable) this.child.stdin!.write(text);
  }

  endInput(): void {
    if (this.child.stdin!.writable) this.child.stdin!.end();
  }

  /** resolves once `test` holds (checked on output, and every `pollMs` if given), the tool ended, or `limitMs` passed */
  until(test: () => boolean, limitMs: number, pollMs?: number): Promise<void> {
    if (test() || !this.running) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const check = () => {
        if (!test() && this.running) return;
        finish();
      };
      const finish = () => {
        clearTimeout(timer);
        clearInterval(poll);
        this.listeners.delete(check);
        resolve();
      };
      const timer = setTimeout(finish, limitMs);
      const poll = pollMs ? setInterval(check, pollMs) : undefined;
      this.listeners.add(check);
    });
  }

  /** resolves when the tool has ended and stdout/stderr hold all it wrote */
  ended(): Promise<void> {
    return this.exited;
  }

  /** SIGTERM, then SIGKILL after a grace; resolves once the tool is gone and its files removed */
  async close(): Promise<void> {
    if (this.running) {
      this.kill('SIGTERM');
      const timer = setTimeout(() => this.kill('SIGKILL'), KILL_GRACE_MS);
      await this.exited;
      clearTimeout(timer);
    }
    this.scratch.remove();
  }

  /** signals the tool, or its whole process group (options.processGroup) */
  kill(signal: NodeJS.Signals): void {
    if (!this.options.processGroup || this.child.pid === undefined) {
      this.child.kill(signal);
      return;
    }
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // the group is gone already
    }
  }

  describeExit(): string {
    return this.exitSignal ? `ended by ${this.exitSignal}` : `exit status ${this.exitCode}`;
  }

  private add(stream: 'out' | 'err', chunk: Buffer): void {
    if (stream === 'out') this.out += chunk.toString('latin1');
    else this.err += chunk.toString('latin1');
    this.notify();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
