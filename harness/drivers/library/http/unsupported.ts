/**
 * What a library driver reports for a scenario asking something the library cannot do: a
 * rejection with TLSGATE_CONFIG_ERROR, saying what (never a silent success).
 */
import { CODES } from '../../../model/codes.js';
import type { ClientObservation } from '../../../model/domain.js';

export const unsupported = (message: string): ClientObservation => ({ outcome: 'rejected', code: CODES.configError, message });

/** tlsgate's own revocation checks run from a hook on the TLS socket, which the library kept to itself */
export const hooksUnsupported = (driver: string): ClientObservation =>
  unsupported(`the ${driver} driver cannot run tlsgate's after-handshake checks (client.revocation): the library (or its proxy agent) does not expose its TLS socket before sending`);
