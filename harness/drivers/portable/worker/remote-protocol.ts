/**
 * The messages between the harness and a worker process running the TLS ends inside the Node
 * under test. JSON over the child_process IPC channel (`serialization: 'json'`, the only format
 * every Node version reads the same: V8's structured-clone format changes between versions), so
 * every Buffer travels as base64. Type imports only: this module is part of the worker's graph.
 *
 * harness -> worker                         worker -> harness
 *   call {id, method, ...}                    ready {node, openssl}
 *   abort {id, reason}                        result {id, ok, value | error}
 *   hook-answer {id, ok, value | message}     hook {id, owner, hook, ...}   (a hook the harness runs)
 */
import type { InventoryProbes } from '../inventory/collect.js';
import type { LibraryDirs } from '../inventory/package-location.js';
import type { ClientObservation, ServerObservation, Side, StackVersions } from '../../../model/domain.js';
import type { ClientPlan, DriverInfo, PeerDecision, ServerPlan } from '../types.js';

export type Call =
  | { method: 'client.info'; driver: string; libraryDirs?: LibraryDirs }
  | { method: 'client.connect'; driver: string; plan: ClientPlan; hooks: { afterHandshake: boolean }; libraryDirs?: LibraryDirs }
  | { method: 'server.listen'; driver: string; plan: ServerPlan; hooks: { ocspStaple: boolean } }
  | { method: 'server.observation'; handle: number }
  | { method: 'server.reset'; handle: number }
  | { method: 'server.rotate'; handle: number; plan: ServerPlan }
  | { method: 'server.close'; handle: number }
  | { method: 'inventory'; probes?: InventoryProbes; cwd: string; libraryDirs?: LibraryDirs }
  | { method: 'stack'; cwd: string; libraryDirs?: LibraryDirs };

/** what each call resolves to */
export interface CallResults {
  'client.info': DriverInfo;
  'client.connect': WireClientObservation;
  'server.listen': { handle: number; host: string; port: number };
  'server.observation': ServerObservation;
  'server.reset': null;
  'server.rotate': null;
  'server.close': null;
  inventory: unknown;
  stack: StackVersions;
}

export type ToWorker =
  | ({ type: 'call'; id: number } & Call)
  | { type: 'abort'; id: number; reason: string }
  | { type: 'hook-answer'; id: number; ok: true; value: PeerDecision | string | null }
  | { type: 'hook-answer'; id: number; ok: false; message: string };

export type ToHarness =
  | { type: 'ready'; node: string; openssl: string }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: WireError }
  | { type: 'hook'; id: number; owner: number; hook: 'afterHandshake'; facts: WireHandshakeFacts }
  | { type: 'hook'; id: number; owner: number; hook: 'ocspStaple'; certDer: string; issuerDer: string | null };

/**
 * Why a call failed. `setup`: a TLS end refused its own configuration (TlsSetupError);
 * `unavailable`: the driver cannot run on this runtime (e.g. undici 7 on Node 18);
 * `aborted`: the harness aborted the call; `failed`: anything else.
 */
export interface WireError {
  kind: 'setup' | 'unavailable' | 'aborted' | 'failed';
  message: string;
  code?: string;
  side?: Side;
}

/** ClientObservation with its session as base64 */
export type WireClientObservation = Omit<ClientObservation, 'session'> & { sessionBase64?: string };

export interface WireHandshakeFacts {
  peerChainDer: string[];
  staple: string | null;
  protocol: string | undefined;
  sessionReused?: boolean;
}

export const UNAVAILABLE_CODE = 'TLSGATE_DRIVER_UNAVAILABLE';
