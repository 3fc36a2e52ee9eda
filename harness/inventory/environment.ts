/**
 * The few facts that make two reports comparable: which Node, OpenSSL and undici ran the
 * handshakes, on which platform. Cheap to collect (no probes); the full inventory is separate.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { locateUndici } from '../drivers/portable/inventory/undici-version.js';
import { packageRoot } from '../model/paths.js';

/** the report's `environment` block: the stack that ran, not a scenario's client.environment */
export interface StackSummary {
  tlsgate: string;
  node: string;
  openssl: string;
  /** the undici the undici driver uses: the project's own if it has one, else tlsgate's */
  undici: { version: string; source: 'project' | 'tlsgate' | 'override' } | null;
  platform: string;
  arch: string;
}

export function summarizeStack(cwd = process.cwd()): StackSummary {
  const undici = locateUndici({ cwd });
  return {
    tlsgate: tlsgateVersion(),
    node: process.versions.node,
    openssl: process.versions.openssl,
    undici: undici ? { version: undici.version, source: undici.source } : null,
    platform: process.platform,
    arch: process.arch,
  };
}

function tlsgateVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
