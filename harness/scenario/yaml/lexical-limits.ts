/**
 * Limits checked by streaming the lexer (no tree, little memory) before the parser builds its
 * token tree, which costs about 300 bytes per token and more for deep nesting: 5 MB of `[[[[`
 * took 1.1 GB and 5 s to parse. A 5 MB file written like the built-in catalogue has 1.8 million
 * tokens, a handful of levels, and at most two block indicators (`- key:`) on a line.
 * Nesting by indentation alone costs little to parse (n levels need about n*n characters) and is
 * bounded exactly on the tree afterwards (nesting.ts).
 */
import { CST, Lexer } from 'yaml';
import { MAX_NESTING } from './nesting.js';

/** a 5 MB file written like the built-in catalogue fits with room to spare */
export const MAX_YAML_TOKENS = 2_000_000;

export interface LexicalProblem {
  message: string;
  hint: string;
  /** character offset in the text */
  offset: number;
}

/** the lexer's markers for the parser: not text of the file */
const MARKERS = new Set([CST.DOCUMENT, CST.FLOW_END, CST.SCALAR]);
const BLOCK_INDICATORS = new Set(['seq-item-ind', 'explicit-key-ind', 'map-value-ind']);

/** the limits, one lexer token at a time: usable before the parser and beside it */
export class LexicalLimits {
  private tokens = 0;
  private offset = 0;
  private flowDepth = 0;
  private indicatorsOnLine = 0;

  check(token: string): LexicalProblem | undefined {
    if (++this.tokens > MAX_YAML_TOKENS) {
      return { offset: this.offset, message: `file has more than ${MAX_YAML_TOKENS} YAML tokens (keys, values, punctuation)`, hint: 'split it into several files in one folder' };
    }
    const type = CST.tokenType(token);
    if (type === 'newline') this.indicatorsOnLine = 0;
    else if (type === 'flow-seq-start' || type === 'flow-map-start') this.flowDepth++;
    else if (type === 'flow-seq-end' || type === 'flow-map-end') this.flowDepth = Math.max(0, this.flowDepth - 1);
    // inside [ ] and { } a `:` separates a key from its value: only block indicators nest
    else if (this.flowDepth === 0 && type !== null && BLOCK_INDICATORS.has(type)) this.indicatorsOnLine++;
    if (this.flowDepth > MAX_NESTING || this.indicatorsOnLine > MAX_NESTING) return nestingProblem(this.offset);
    if (!MARKERS.has(token)) this.offset += token.length;
    return undefined;
  }
}

/** the whole text checked before any parsing: for files large enough that the parser's tree could cost a lot */
export function lexicalProblem(text: string): LexicalProblem | undefined {
  const limits = new LexicalLimits();
  for (const token of new Lexer().lex(text)) {
    const problem = limits.check(token);
    if (problem) return problem;
  }
  return undefined;
}

export function nestingProblem(offset: number): LexicalProblem {
  return {
    offset,
    message: `collections nest more than ${MAX_NESTING} levels deep`,
    hint: 'scenario files need a handful of levels; this looks like generated or corrupted input',
  };
}
