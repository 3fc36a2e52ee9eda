/**
 * Keys given twice in one mapping. The yaml library can check this itself, but its check
 * compares every key with every other (a 5 MB file of keys takes minutes), so the loader
 * parses with `uniqueKeys: false` and finds duplicates here in one pass with a Set per mapping.
 */
import { isMap, isSeq, type Document, type LineCounter, type Pair } from 'yaml';
import type { Finding } from '../problems.js';
import { keyText } from './yaml-positions.js';

export function duplicateKeys(doc: Document, lines: LineCounter): Finding[] {
  const findings: Finding[] = [];
  // iterative, and aliases are not followed: each node is visited once
  const stack: Array<{ node: unknown; path: Array<string | number> }> = [{ node: doc.contents, path: [] }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (isSeq(node)) node.items.forEach((item, i) => stack.push({ node: item, path: [...path, i] }));
    if (!isMap(node)) continue;
    const firstLine = new Map<string, number>();
    for (const pair of node.items as Pair[]) {
      const key = keyText(pair.key);
      if (key === undefined) continue;
      const offset = (pair.key as { range?: [number, number, number] }).range?.[0] ?? 0;
      const earlier = firstLine.get(key);
      if (earlier !== undefined) {
        findings.push({
          path: [...path, key], at: 'key', offset,
          message: `duplicate key '${key}'`,
          hint: `already given on line ${earlier}; a key may appear once in a mapping`,
        });
      } else {
        firstLine.set(key, lines.linePos(offset).line);
      }
      stack.push({ node: pair.value, path: [...path, key] });
    }
  }
  return findings;
}
