/**
 * The material cache the robustness tests share: the project's `.tlsgate-cache/certs` (ignored by git),
 * as `tlsgate run` uses it, so the first run generates keys (seconds for RSA-4096) and later
 * runs, and the catalogue itself, find them. The cache is built for this (atomic writes, several
 * processes, validity windows); nothing is left in the system's temp folder. TLSGATE_TEST_CERTS
 * moves it.
 */
import { defaultCertsDir } from '../../../harness/model/paths.js';

export const sharedCertsDir = (): string => process.env.TLSGATE_TEST_CERTS ?? defaultCertsDir();
