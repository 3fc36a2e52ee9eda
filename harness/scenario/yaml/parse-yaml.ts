/**
 * YAML text to a document with positions and a plain JS value, or to findings that say why not.
 * The steps are the library's own (lexer, parser, composer, toJS), run one at a time so that
 * each resource bound applies before the step it protects: a token budget and flow nesting
 * before the parser builds its tree, nesting on that tree before the recursive composer, an
 * alias budget for toJS (no "billion laughs"), duplicate keys in linear time.
 */
import { Composer, Lexer, LineCounter, Parser, visit, type CST, type Document, type YAMLError } from 'yaml';
import { errorMessage } from '../../model/errors.js';
import { duplicateKeys } from './duplicate-keys.js';
import { LexicalLimits, lexicalProblem, nestingProblem, type LexicalProblem } from './lexical-limits.js';

type Token = CST.Token;
import { excessiveNesting } from './nesting.js';
import type { Finding } from '../problems.js';
import { pathAtOffset } from './yaml-positions.js';

/** each alias expansion counts; the catalogue uses none, a YAML bomb needs thousands */
export const MAX_ALIAS_COUNT = 100;

export type ParsedYaml =
  | { ok: true; doc: Document.Parsed; lines: LineCounter; value: unknown }
  | { ok: false; doc: Document.Parsed | undefined; lines: LineCounter; findings: Finding[] };

const COMPOSE_OPTIONS = { uniqueKeys: false, prettyErrors: false } as const;

/**
 * Below this size the parser's tree stays small (at most ~100 MB even for pathological text), so
 * the limits are checked in the same pass as the parse; above it, a lexer pass comes first.
 */
const PREPASS_BYTES = 256 * 1024;

export function parseYaml(text: string): ParsedYaml {
  const tooMuch = text.length > PREPASS_BYTES ? lexicalProblem(text) : undefined;
  if (tooMuch) return { ok: false, doc: undefined, lines: countLines(text), findings: [{ path: [], ...tooMuch }] };
  const lines = new LineCounter();
  const parsed = parseChecked(text, lines);
  if ('problem' in parsed) return { ok: false, doc: undefined, lines: countLines(text), findings: [{ path: [], ...parsed.problem }] };
  const { tokens } = parsed;
  const tooDeep = excessiveNesting(tokens);
  if (tooDeep !== undefined) return { ok: false, doc: undefined, lines, findings: [{ path: [], ...nestingProblem(tooDeep) }] };
  const docs = [...new Composer(COMPOSE_OPTIONS).compose(tokens, true, text.length)];
  const doc = docs[0]!;
  const findings = [
    ...[...doc.errors, ...doc.warnings].map((e) => syntaxFinding(doc, e)),
    ...(docs.length > 1 ? [extraDocumentFinding(docs[1]!)] : []),
  ];
  if (findings.length === 0) findings.push(...duplicateKeys(doc, lines));
  if (findings.length > 0) return { ok: false, doc, lines, findings };
  try {
    return { ok: true, doc, lines, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (err) {
    return { ok: false, doc, lines, findings: [aliasFinding(doc, err)] };
  }
}

/** one lexer pass: each token is checked against the limits, then handed to the parser */
function parseChecked(text: string, lines: LineCounter): { tokens: Token[] } | { problem: LexicalProblem } {
  const limits = new LexicalLimits();
  const parser = new Parser(lines.addNewLine);
  const tokens: Token[] = [];
  lines.addNewLine(0);
  for (const lexeme of new Lexer().lex(text)) {
    const problem = limits.check(lexeme);
    if (problem) return { problem };
    for (const token of parser.next(lexeme)) tokens.push(token);
  }
  for (const token of parser.end()) tokens.push(token);
  return { tokens };
}

/** line starts for positions, when the parser (which records them) did not run */
function countLines(text: string): LineCounter {
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
  return lines;
}

const SYNTAX_HINTS: Readonly<Record<string, string>> = {
  TAB_AS_INDENT: 'indent with spaces',
  BLOCK_AS_IMPLICIT_KEY: 'quote a value that contains ": "',
  MULTILINE_IMPLICIT_KEY: 'a key must fit on one line; check the indentation above',
  BAD_INDENT: 'the items of one mapping or list start at the same column',
  TAG_RESOLVE_FAILED: 'scenario files use plain YAML values; remove the tag',
};

function syntaxFinding(doc: Document.Parsed, error: YAMLError): Finding {
  const offset = error.pos[0];
  const message = error.message.split('\n')[0]!;
  const hint = SYNTAX_HINTS[error.code];
  return { path: pathAtOffset(doc, offset), offset, message: `YAML: ${message}`, ...(hint ? { hint } : {}) };
}

function extraDocumentFinding(second: Document.Parsed): Finding {
  return {
    path: [], offset: second.range[0],
    message: 'file holds more than one YAML document',
    hint: 'remove the `---` line: one file is one document with pki, defaults and scenarios',
  };
}

function aliasFinding(doc: Document.Parsed, err: unknown): Finding {
  const text = errorMessage(err);
  if (/alias count/i.test(text)) {
    return {
      path: [], offset: aliasOffset(doc),
      message: `aliases expand to too many nodes (more than ${MAX_ALIAS_COUNT})`,
      hint: 'use `defaults:` for shared settings instead of YAML anchors',
    };
  }
  const unresolved = /^Unresolved alias.*: (.+)$/.exec(text)?.[1];
  return { path: [], offset: aliasOffset(doc, unresolved), message: `YAML: ${text.split('\n')[0]}` };
}

/** where the first alias (or the first one named `name`) is written */
function aliasOffset(doc: Document.Parsed, name?: string): number {
  let offset = 0;
  visit(doc, {
    Alias(_key, node) {
      if (name !== undefined && node.source !== name) return undefined;
      offset = node.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return offset;
}
