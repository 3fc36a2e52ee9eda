/** What every server end (the node-tls server and the hostile peers) starts its record from. */
import type { ServerObservation } from '../../model/domain.js';

/** a server's record before anything happened: also what a server that never handshakes reports */
export const emptyServerObservation = (): ServerObservation => ({
  handshake: false,
  clientCertPresented: false,
  authorized: false,
  stapleRequested: false,
  stapleSent: false,
  bytesReceived: 0,
});
