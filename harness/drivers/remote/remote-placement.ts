/**
 * Where the TLS ends of a scenario run. Local placement (`tlsgate run`): in this process, except
 * a client with `environment`, which runs in a worker of this same Node started with it. Runtime
 * placement (`tlsgate matrix`): both ends in workers of the Node under test, a client with
 * `environment` in that Node's worker for the environment. The engine owns its placement and
 * closes it (and so its workers) when it closes.
 */
import { resolve } from 'node:path';
import { collectInventory, type Inventory, type InventoryProbes } from '../portable/inventory/collect.js';
import { stackVersions } from '../portable/inventory/stack-versions.js';
import type { LibraryDirs } from '../portable/inventory/package-location.js';
import { createUndiciClient } from '../portable/node/undici-client.js';
import type { StackVersions } from '../../model/domain.js';
import { getClientDriver, getServerDriver, isModulePath } from '../portable/registry.js';
import { remoteClientDriver, remoteServerDriver } from './remote-drivers.js';
import { clientEnvironmentRuntime, type ClientProcessEnvironment } from './remote-environment.js';
import { WorkerPool } from './remote-pool.js';
import type { RuntimeSpec } from './remote-runtime.js';
import type { ClientDriver, ServerDriver } from '../portable/types.js';
import { LIBRARY_CLIENTS, LIBRARY_SERVERS } from '../library/library-catalogue.js';
import { libraryClientDriver } from '../library/library-driver.js';
import { LibraryUnavailable } from '../library/library-unavailable.js';
import { ScenarioError } from '../../model/internal-fault.js';

export interface ScenarioDrivers {
  client: ClientDriver;
  server: ServerDriver;
}

/** what a placement needs to know of a scenario's ends (plain data: no scenario model) */
export interface EndsRequest {
  clientDriver: string;
  serverDriver: string;
  /** the client runs in a process of its own, started so */
  clientEnvironment?: ClientProcessEnvironment;
}

export interface EndPlacement {
  /** where this placement runs the ends, e.g. `in-process` or `node 18.20.8` */
  readonly label: string;
  drivers(ends: EndsRequest): Promise<ScenarioDrivers>;
  /** the stack the ends run on: this process's, or the runtime's (asked of its worker) */
  inventory(probes: InventoryProbes): Promise<Inventory>;
  /** the versions of the stack the ends run on, which select a scenario's `stacks` and `known` */
  stack(): Promise<StackVersions>;
  /** the workers of this placement, for tests and diagnostics */
  workerPids(): Promise<number[]>;
  close(): Promise<void>;
}

/** this very Node, as a worker spec: for clients that need their own environment */
export const thisNode = (): RuntimeSpec => ({
  label: `node ${process.versions.node}`,
  execPath: process.execPath,
  execArgv: [],
  env: process.env,
});

/**
 * Drivers of npm libraries (undici, axios, pg...) normally run the copy the project resolves;
 * `libraryDirs` points a package at another folder instead (`tlsgate matrix --package` installs
 * versions into its cache): npm package name -> folder holding `node_modules/<name>` or the
 * package itself. Every driver this placement makes, in this process or in a worker, loads it.
 */
export interface PlacementOptions {
  libraryDirs?: LibraryDirs;
}

export function localPlacement(opts: PlacementOptions = {}): EndPlacement {
  return new Placement(undefined, opts);
}

export function runtimePlacement(runtime: RuntimeSpec, opts: PlacementOptions = {}): EndPlacement {
  return new Placement(runtime, opts);
}

class Placement implements EndPlacement {
  private readonly pool = new WorkerPool();

  /** `runtime` undefined: ends run in this process unless a client asks for an environment */
  constructor(private readonly runtime: RuntimeSpec | undefined, private readonly opts: PlacementOptions = {}) {}

  get label(): string {
    return this.runtime?.label ?? 'in-process';
  }

  async drivers(ends: EndsRequest): Promise<ScenarioDrivers> {
    return { client: await this.client(ends.clientDriver, ends.clientEnvironment), server: await this.server(ends.serverDriver) };
  }

  private async client(name: string, environment: ClientProcessEnvironment | undefined): Promise<ClientDriver> {
    const library = LIBRARY_CLIENTS.get(name);
    if (library) {
      // the library driver runs in this process (a worker would need its library beside it):
      // under matrix --node it is skipped there, like undici 7 on Node 18; an environment is a
      // scenario that cannot run as written
      if (environment) throw new ScenarioError(`library driver ${name} runs in tlsgate's own process only: it cannot take client.environment yet`);
      if (this.runtime) throw new LibraryUnavailable(library.packageName, `library driver ${name} runs in tlsgate's own process only, not on ${this.runtime.label} (matrix --node)`);
      return libraryClientDriver(library, { overrideDir: this.opts.libraryDirs?.[library.packageName] });
    }
    const undiciDir = name === 'undici' ? this.opts.libraryDirs?.undici : undefined;
    if (!environment && !this.runtime) return undiciDir ? createUndiciClient({ overrideDir: undiciDir }) : getClientDriver(name);
    const base = this.runtime ?? thisNode();
    const spec = environment ? clientEnvironmentRuntime(base, environment, this.pool.filesDir()) : base;
    return remoteClientDriver(() => this.pool.get(spec), remoteName(name), spec.label, this.opts.libraryDirs);
  }

  private async server(name: string): Promise<ServerDriver> {
    const library = LIBRARY_SERVERS.get(name);
    if (library) {
      if (this.runtime) throw new LibraryUnavailable(name, `server driver ${name} runs in tlsgate's own process only, not on ${this.runtime.label} (matrix --node)`);
      return library();
    }
    if (!this.runtime) return getServerDriver(name);
    const spec = this.runtime;
    return remoteServerDriver(() => this.pool.get(spec), remoteName(name), spec.label);
  }

  async inventory(probes: InventoryProbes): Promise<Inventory> {
    if (!this.runtime) return collectInventory(probes, process.cwd(), this.opts.libraryDirs);
    const worker = await this.pool.get(this.runtime);
    return (await worker.call({ method: 'inventory', probes, cwd: process.cwd(), ...this.copies() })) as Inventory;
  }

  async stack(): Promise<StackVersions> {
    if (!this.runtime) return stackVersions(process.cwd(), this.opts.libraryDirs);
    const worker = await this.pool.get(this.runtime);
    return (await worker.call({ method: 'stack', cwd: process.cwd(), ...this.copies() })) as StackVersions;
  }

  private copies(): { libraryDirs?: LibraryDirs } {
    return this.opts.libraryDirs ? { libraryDirs: this.opts.libraryDirs } : {};
  }

  workerPids(): Promise<number[]> {
    return this.pool.pids();
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** the worker looks names up in the same registry; a module path is made absolute for it */
const remoteName = (name: string): string => (isModulePath(name) ? resolve(process.cwd(), name) : name);
