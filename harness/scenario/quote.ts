/**
 * Values as they appear in problem messages: quoted, on one line, cut short. A problem is one
 * line of output, whatever a hostile file puts in its keys and strings.
 */

const MAX_QUOTED = 60;

const SHORT_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** control characters (and the Unicode line separators) written as escapes: a value never breaks a line */
export const oneLine = (text: string): string =>
  // eslint-disable-next-line no-control-regex -- matching control characters is this function's job
  text.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]/g, (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** strings in single quotes, anything else as JSON; long values end in `...` */
export function quote(value: unknown): string {
  const text = typeof value === 'string' ? `'${oneLine(value)}'` : oneLine(JSON.stringify(value) ?? String(value));
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED - 3)}...` : text;
}
