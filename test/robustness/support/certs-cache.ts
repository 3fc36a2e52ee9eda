/**
 * The material cache the robustness tests share, kept between test runs like CI keeps `certs/`:
 * the first run generates keys (seconds for RSA-4096), later runs find them. The cache is built
 * for this (atomic writes, several processes, validity windows). TLSGATE_TEST_CERTS moves it.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const sharedCertsDir = (): string => process.env.TLSGATE_TEST_CERTS ?? join(tmpdir(), 'tlsgate-test-certs');
