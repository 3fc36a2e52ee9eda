/**
 * The messages between a tool's server driver and the relay inside the tool's private network
 * namespace (netns-relay.ts), over the IPC channel of the process that starts the namespace.
 */

/** tlsgate -> relay: open connection `id` to the tool */
export interface ConnectRequest {
  type: 'connect';
  id: number;
}

export type ToRelay = ConnectRequest;

export type FromRelay =
  /** the tool listens inside the namespace */
  | { type: 'ready' }
  /** the relay could not do its part (the namespace's loopback, starting the tool); it exits */
  | { type: 'error'; message: string }
  /** connection `id` to the tool: the connected socket comes with the message */
  | { type: 'connected'; id: number }
  | { type: 'connect-failed'; id: number; message: string };
