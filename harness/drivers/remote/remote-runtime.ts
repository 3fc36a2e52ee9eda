/**
 * One long-lived worker process: a Node under test (any execPath, any flags and environment)
 * running portable/worker/remote-worker.js, driven over IPC. Calls are multiplexed by id, so every scenario of a
 * run shares the one process; hooks the worker asks for (afterHandshake, ocspStaple) run here.
 * If the worker dies, every pending and later call fails with a message naming the runtime and
 * the end of its stderr.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { errorMessage } from '../../model/errors.js';
import type { Call, CallResults, ToHarness, ToWorker, WireError, WireHandshakeFacts } from '../portable/worker/remote-protocol.js';
import type { PeerDecision } from '../portable/types.js';

/** how to start a worker: which node, with which flags and environment */
export interface RuntimeSpec {
  /** shown in reports and messages, e.g. `node 18.20.8` */
  label: string;
  execPath: string;
  /** Node flags, e.g. --use-openssl-ca */
  execArgv: string[];
  env: NodeJS.ProcessEnv;
}

/** hooks a call or a server handle registered, run when the worker asks */
export interface OwnerHooks {
  afterHandshake?(facts: WireHandshakeFacts): Promise<PeerDecision>;
  /** resolves to the DER response as base64, or null */
  ocspStaple?(certDer: string, issuerDer: string | null): Promise<string | null>;
}

export class RemoteCallError extends Error {
  override readonly name = 'RemoteCallError';
  constructor(readonly wire: WireError) {
    super(wire.message);
  }
}

const READY_TIMEOUT_MS = 15_000;
const EXIT_GRACE_MS = 2000;
const STDERR_KEPT = 4000;

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
}

export class RemoteRuntime {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly owners = new Map<number, OwnerHooks>();
  private stderr = '';
  private death: Error | undefined;
  private readyWaiter: Pending | undefined;
  private readonly exited: Promise<void>;
  /** node and OpenSSL versions the worker reported */
  versions = { node: '', openssl: '' };

  private constructor(readonly spec: RuntimeSpec, private readonly child: ChildProcess) {
    child.stderr?.setEncoding('utf8').on('data', (d: string) => { this.stderr = (this.stderr + d).slice(-STDERR_KEPT); });
    child.on('message', (m: ToHarness) => this.onMessage(m));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => {
      this.die(new Error(`the ${spec.label} worker exited (${signal ?? `code ${code}`})${this.stderrTail()}`));
      resolve();
    }));
    child.on('error', (err: NodeJS.ErrnoException) => {
      // a write to a worker that just died fails before its 'exit' arrives: the exit says why
      if (err.code === 'EPIPE' || err.code === 'ERR_IPC_CHANNEL_CLOSED') return;
      this.die(new Error(`the ${spec.label} worker failed: ${err.message}`));
    });
  }

  /** forks the worker and waits until it is ready (or says why it never was) */
  static async start(spec: RuntimeSpec): Promise<RemoteRuntime> {
    const { entry, loader } = workerEntry();
    const child = fork(entry, [], {
      execPath: spec.execPath,
      execArgv: [...loader, ...spec.execArgv],
      env: spec.env,
      cwd: process.cwd(),
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    const runtime = new RemoteRuntime(spec, child);
    await runtime.ready();
    return runtime;
  }

  private ready(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`the ${this.spec.label} worker did not start within ${READY_TIMEOUT_MS} ms${this.stderrTail()}`));
        void this.close();
      }, READY_TIMEOUT_MS);
      this.readyWaiter = { resolve: () => { clearTimeout(timer); resolve(); }, reject: (err) => { clearTimeout(timer); reject(err); } };
    });
  }

  get alive(): boolean {
    return this.death === undefined;
  }

  /** one call; `hooks` serve the hooks the worker asks for while it runs; aborting sends `abort` */
  call<M extends Call['method']>(call: Extract<Call, { method: M }>, opts: { signal?: AbortSignal; hooks?: OwnerHooks; keepHooks?: boolean } = {}): Promise<CallResults[M]> {
    if (this.death) return Promise.reject(this.death);
    if (opts.signal?.aborted) return Promise.reject(opts.signal.reason as Error);
    const id = this.nextId++;
    if (opts.hooks) this.owners.set(id, opts.hooks);
    const result = new Promise<CallResults[M]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
    });
    // an aborted call settles at once; the worker is told, so its driver cleans up its sockets
    const onAbort = () => {
      this.send({ type: 'abort', id, reason: errorMessage(opts.signal?.reason) });
      this.pending.get(id)?.reject(opts.signal?.reason as Error);
      this.pending.delete(id);
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    this.send({ type: 'call', id, ...call } as ToWorker);
    return result
      .finally(() => opts.signal?.removeEventListener('abort', onAbort))
      .then((value) => {
        if (!opts.keepHooks) this.owners.delete(id);
        return value;
      }, (err: unknown) => {
        this.owners.delete(id);
        throw err;
      });
  }

  /** the worker-side id of a call whose hooks outlive it (a server), to release them */
  releaseHooks(owner: number): void {
    this.owners.delete(owner);
  }

  /** closing the IPC channel ends the worker; it is killed if it lingers */
  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      if (this.child.connected) this.child.disconnect();
      const timer = setTimeout(() => this.child.kill('SIGKILL'), EXIT_GRACE_MS);
      await this.exited;
      clearTimeout(timer);
    }
    this.die(new Error(`the ${this.spec.label} worker was closed`));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private send(message: ToWorker): void {
    if (this.child.connected) this.child.send(message);
  }

  private onMessage(m: ToHarness): void {
    switch (m.type) {
      case 'ready':
        this.versions = { node: m.node, openssl: m.openssl };
        this.readyWaiter?.resolve(undefined);
        return;
      case 'result': {
        const waiting = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (m.ok) waiting?.resolve(m.value);
        else waiting?.reject(new RemoteCallError(m.error));
        return;
      }
      case 'hook':
        void this.runHook(m);
    }
  }

  private async runHook(m: Extract<ToHarness, { type: 'hook' }>): Promise<void> {
    const hooks = this.owners.get(m.owner);
    try {
      const value = m.hook === 'afterHandshake'
        ? await required(hooks?.afterHandshake, m.hook)(m.facts)
        : await required(hooks?.ocspStaple, m.hook)(m.certDer, m.issuerDer);
      this.send({ type: 'hook-answer', id: m.id, ok: true, value });
    } catch (err) {
      this.send({ type: 'hook-answer', id: m.id, ok: false, message: errorMessage(err) });
    }
  }

  private die(err: Error): void {
    if (this.death) return;
    this.death = err;
    this.readyWaiter?.reject(err);
    for (const waiting of this.pending.values()) waiting.reject(err);
    this.pending.clear();
    this.owners.clear();
  }

  private stderrTail(): string {
    const tail = this.stderr.trim().split('\n').slice(-6).join('\n  ');
    return tail ? `; its stderr ends:\n  ${tail}` : '';
  }
}


function required<F>(hook: F | undefined, name: string): F {
  if (!hook) throw new Error(`no ${name} hook registered for this call`);
  return hook;
}

/**
 * portable/worker/remote-worker: the compiled .js (what users run), or under tsx the .ts
 * source, loaded through tsx in the worker too.
 */
function workerEntry(): { entry: string; loader: string[] } {
  const here = fileURLToPath(import.meta.url);
  const ext = extname(here);
  const entry = join(dirname(here), '..', 'portable', 'worker', `remote-worker${ext}`);
  if (ext !== '.ts') return { entry, loader: [] };
  // tsx's package entry is its ESM loader (dist/loader.mjs)
  return { entry, loader: ['--import', pathToFileURL(createRequire(here).resolve('tsx')).href] };
}
