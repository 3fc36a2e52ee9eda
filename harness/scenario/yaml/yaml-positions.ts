/**
 * From a path in the document to the place in the file, and back. Every problem the checks
 * report by path gets its line:col here, from the YAML nodes' source ranges.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';
import type { YamlPath } from './yaml-path.js';

export interface Position {
  /** 1-based */
  line: number;
  /** 1-based */
  column: number;
}

export const positionOfOffset = (lines: LineCounter, offset: number): Position => {
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
};

/**
 * The offset where `path` is written: its value, or with `at: 'key'` its key. A path that goes
 * further than the document (a missing key) stops at the deepest node that exists, which is
 * where the missing thing belongs.
 */
export function offsetOfPath(doc: Document, path: YamlPath, at: 'key' | 'value' = 'value'): number {
  let node: unknown = doc.contents;
  let offset = startOf(node) ?? 0;
  for (let i = 0; i < path.length; i++) {
    node = isAlias(node) ? node.resolve(doc) : node;
    const last = i === path.length - 1;
    const segment = path[i]!;
    if (isMap(node)) {
      const pair = pairFor(node.items as Pair[], segment);
      if (!pair) break;
      if ((last && at === 'key') || isEmptyValue(pair.value)) return startOf(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
      node = node.items[segment];
    } else {
      break;
    }
    offset = startOf(node) ?? offset;
  }
  return offset;
}

/** the path of the deepest key or item whose source contains `offset` (for parser errors) */
export function pathAtOffset(doc: Document, offset: number): Array<string | number> {
  const path: Array<string | number> = [];
  let node: unknown = doc.contents;
  for (;;) {
    if (isMap(node)) {
      const pair = (node.items as Pair[]).find((p) => contains(p.key, offset) || contains(p.value, offset));
      const key = pair ? keyText(pair.key) : undefined;
      if (!pair || key === undefined) return path;
      path.push(key);
      if (contains(pair.key, offset)) return path;
      node = pair.value;
    } else if (isSeq(node)) {
      const index = node.items.findIndex((item) => contains(item, offset));
      if (index < 0) return path;
      path.push(index);
      node = node.items[index];
    } else {
      return path;
    }
  }
}

/** the text of a scalar key; undefined for complex keys (`? [a, b]`) that no path can name */
export function keyText(key: unknown): string | undefined {
  if (!isScalar(key)) return undefined;
  return key.value === null ? '' : String(key.value);
}

/** duplicate keys are reported elsewhere; like toJS, the last one is the one that counts */
function pairFor(items: Pair[], segment: string | number): Pair | undefined {
  for (let i = items.length - 1; i >= 0; i--) {
    if (keyText(items[i]!.key) === String(segment)) return items[i];
  }
  return undefined;
}

/** `server:` with nothing after it: its value node is empty, point at the key instead */
const isEmptyValue = (value: unknown): boolean =>
  value === null || value === undefined || (isScalar(value) && value.source === '' && value.value === null);

const rangeOf = (node: unknown): readonly [number, number, number] | undefined =>
  (node as Node | null)?.range ?? undefined;

const startOf = (node: unknown): number | undefined => rangeOf(node)?.[0];

function contains(node: unknown, offset: number): boolean {
  const range = rangeOf(node);
  return !!range && range[0] <= offset && offset < Math.max(range[1], range[2], range[0] + 1);
}
