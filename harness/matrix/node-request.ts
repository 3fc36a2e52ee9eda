/** What `--node` asks for: a major, an exact version, or a Node binary on disk. */
import { UsageError } from '../model/errors.js';

export type NodeRequest =
  | { kind: 'major'; major: number; text: string }
  | { kind: 'exact'; version: string; text: string }
  | { kind: 'path'; path: string; text: string };

/** `18,20,22.11.0,/opt/node/bin/node` (repeatable, comma lists) */
export function parseNodeRequests(values: readonly string[]): NodeRequest[] {
  const items = values.flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new UsageError('--node needs at least one Node: a major (22), an exact version (22.11.0) or a path to a node binary');
  return items.map(parseNodeRequest);
}

export function parseNodeRequest(text: string): NodeRequest {
  if (text.includes('/') || text.startsWith('.')) return { kind: 'path', path: text, text };
  const bare = text.replace(/^v/, '');
  if (/^\d+$/.test(bare)) return { kind: 'major', major: Number(bare), text };
  if (/^\d+\.\d+\.\d+$/.test(bare)) return { kind: 'exact', version: bare, text };
  throw new UsageError(`--node ${text}: give a major (22), an exact version (22.11.0) or a path to a node binary (/usr/local/bin/node)`);
}

export { compareVersions } from '../model/versions.js';
