/**
 * A bound on how deeply collections nest, checked on the parser's token tree before anything
 * recursive runs. The yaml composer (and toJS, ajv, our own walkers) recurse once per level;
 * thousands of levels (`[[[[...`, `- - - -...`) exhaust the stack, and in V8 that can abort
 * the whole process (a fatal out-of-memory in the regexp compiler) instead of throwing.
 * The walk here is iterative, so it is safe at any depth.
 */
import type { CST } from 'yaml';

/** the catalogue needs 7 (pki.certs[i].nameConstraints.permitted.dns[j]); anything near this is not a scenario */
export const MAX_NESTING = 32;

/** the offset of the first collection nested deeper than `limit`, if any */
export function excessiveNesting(tokens: readonly CST.Token[], limit = MAX_NESTING): number | undefined {
  const stack: Array<{ token: CST.Token; depth: number }> = tokens.map((token) => ({ token, depth: 0 }));
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    if (token.type === 'document') {
      if (token.value) stack.push({ token: token.value, depth });
      continue;
    }
    if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection') continue;
    if (depth + 1 > limit) return token.offset;
    for (const item of token.items) {
      if (item.key) stack.push({ token: item.key, depth: depth + 1 });
      if (item.value) stack.push({ token: item.value, depth: depth + 1 });
    }
  }
  return undefined;
}
