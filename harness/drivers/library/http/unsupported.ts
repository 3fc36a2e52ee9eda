/**
 * What a library driver reports for a scenario asking something the library cannot do: a
 * rejection with TLSGATE_CONFIG_ERROR, saying what (never a silent success).
 */
import { CODES } from '../../../model/codes.js';
import type { ClientObservation } from '../../../model/domain.js';

export const unsupported = (message: string): ClientObservation => ({ outcome: 'rejected', code: CODES.configError, message });

