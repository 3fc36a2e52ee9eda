import { oneLine } from '../quote.js';

/**
 * Paths into a scenario document: `['scenarios', 2, 'server', 'cert']`, printed the way a reader
 * writes them: `scenarios[2].server.cert`.
 */

export type YamlPath = ReadonlyArray<string | number>;

/** keys that read well after a dot; anything else is quoted in brackets */
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function formatPath(path: YamlPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${oneLine(JSON.stringify(segment))}]`;
  }
  return out;
}

/**
 * An ajv instancePath (JSON Pointer) as a path; `data` tells array indices from keys that look
 * like numbers (a map may well have a key `'0'`).
 */
export function pathFromPointer(pointer: string, data: unknown): Array<string | number> {
  if (pointer === '') return [];
  const path: Array<string | number> = [];
  let current: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const isIndex = Array.isArray(current) && /^\d+$/.test(key);
    const segment = isIndex ? Number(key) : key;
    path.push(segment);
    current = child(current, segment);
  }
  return path;
}

/** the value at `path`, or undefined when some step is missing or not a container */
export function valueAt(data: unknown, path: YamlPath): unknown {
  let current = data;
  for (const segment of path) current = child(current, segment);
  return current;
}

function child(value: unknown, segment: string | number): unknown {
  if (Array.isArray(value)) return typeof segment === 'number' ? value[segment] : undefined;
  if (isRecord(value) && Object.hasOwn(value, segment)) return value[segment];
  return undefined;
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Date);
