/**
 * The shape every library driver shares. A driver module (`http/axios-client.ts`...) exports a
 * LibraryClient: how to run one connection with the library's module in hand. The catalogue
 * (library-catalogue.ts) names each one cheaply (package name, option schema) and loads its
 * module only when a scenario runs it; `libraryClientDriver` turns both into the ClientDriver the
 * engine drives, resolving the library (override folder, else the project, else tlsgate's own)
 * and reporting its version. A library that is not installed throws LibraryUnavailable from
 * info() and connect(): the engine skips the scenario, naming the package.
 */
import type { TSchema } from 'typebox';
import type { ClientObservation } from '../../model/domain.js';
import type { ClientDriver, ClientHooks, ClientPlan, DriverInfo } from '../portable/types.js';
import { resolveLibrary, type ResolvedLibrary, type ResolveOptions } from './resolve-library.js';

/** one library's connection logic; `M` is the library's module namespace */
export interface LibraryClient<M = unknown> {
  connect(library: ResolvedLibrary<M>, plan: ClientPlan, hooks: ClientHooks, signal: AbortSignal): Promise<ClientObservation>;
}

export interface LibraryDriverSpec {
  /** the driver name scenarios use in `client.driver` */
  name: string;
  /** the npm package it drives */
  packageName: string;
  /** `client.library` options this driver understands (checked after merging, with file:line); imported on first use */
  optionsSchema(): Promise<TSchema>;
  /** whether the driver can reach the server through `client.proxy` */
  proxy: boolean;
  /** the driver hands tlsgate the TLS socket before the first byte is sent (client.revocation's after-handshake check can run) */
  holdsSocket: boolean;
  /** the server driver its protocol needs, when not the default node-tls one */
  server?: string;
  /** the module holding its LibraryClient, imported on first use */
  load(): Promise<LibraryClient>;
}

export function libraryClientDriver(spec: LibraryDriverSpec, opts: ResolveOptions = {}): ClientDriver {
  const library = () => resolveLibrary(spec.packageName, { cwd: opts.cwd ?? process.cwd(), overrideDir: opts.overrideDir });
  return {
    name: spec.name,
    async info(): Promise<DriverInfo> {
      const { version, source, dir } = await library();
      return { name: spec.name, version: `${spec.packageName} ${version}`, source: source === 'tlsgate' ? 'tlsgate' : `${source} (${dir})` };
    },
    async connect(plan, hooks, signal) {
      signal.throwIfAborted();
      const [resolved, client] = await Promise.all([library(), spec.load()]);
      return client.connect(resolved, plan, hooks, signal);
    },
  };
}

/** a CommonJS package's exports arrive as `default` of the namespace; an ES module's as the namespace */
export const moduleExports = <T>(namespace: unknown): T =>
  ((namespace as { default?: unknown }).default ?? namespace) as T;
