/**
 * Reading a scenario file as text, refusing what cannot be one: too large, binary, not UTF-8.
 * The read itself is bounded, so a file that grows after it was listed (or a device that never
 * ends) still costs at most the limit.
 */
import { isUtf8 } from 'node:buffer';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export const MAX_SCENARIO_FILE_BYTES = 5 * 1024 * 1024;

export type SourceText =
  | { ok: true; text: string }
  /** `line` and `column` (1-based) say where the trouble starts */
  | { ok: false; message: string; hint?: string; line: number; column: number };

const MB = 1024 * 1024;
const CHUNK = 64 * 1024;

/** a file's first bytes: up to one more than the limit, so that a larger file can be told apart */
export interface SourceBytes {
  bytes: Buffer;
  /** the size the file claimed when opened (it may grow while read) */
  size: number;
  mtimeMs: number;
}

export async function readSourceText(file: string, limit = MAX_SCENARIO_FILE_BYTES): Promise<SourceText> {
  return sourceTextOf(readSourceBytes(file, limit), limit);
}

/** the bytes readSourceText decodes: read once, so what is checked is exactly what was hashed (the load cache) */
export const readSourceBytes = (file: string, limit = MAX_SCENARIO_FILE_BYTES): SourceBytes => readAtMost(file, limit + 1);

export function sourceTextOf({ bytes, size }: SourceBytes, limit = MAX_SCENARIO_FILE_BYTES): SourceText {
  if (bytes.length > limit) {
    return {
      ok: false,
      message: `file is ${(Math.max(size, bytes.length) / MB).toFixed(1)} MB; scenario files are limited to ${limit / MB} MB`,
      hint: 'split it into several files in one folder',
      line: 1,
      column: 1,
    };
  }
  return decodeText(bytes);
}

/** UTF-8 text without NUL bytes; a leading byte order mark is dropped */
export function decodeText(bytes: Uint8Array): SourceText {
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const before = new TextDecoder().decode(bytes.subarray(0, nul));
    return { ok: false, message: `file is binary (a NUL byte at byte ${nul}), not YAML text`, hint: 'scenario files are UTF-8 text', ...endOf(before) };
  }
  const text = new TextDecoder().decode(bytes);
  if (!isUtf8(bytes)) {
    // the first replacement character is where decoding went wrong
    const before = text.slice(0, Math.max(0, text.indexOf('\uFFFD')));
    return { ok: false, message: 'file is not valid UTF-8 text', hint: 'save it as UTF-8', ...endOf(before) };
  }
  return { ok: true, text };
}

/** the 1-based line and column just after `text` */
function endOf(text: string): { line: number; column: number } {
  const lines = text.split('\n');
  return { line: lines.length, column: lines.at(-1)!.length + 1 };
}

/**
 * At most `max` bytes, plus the size the file claims (it may grow while read). Read
 * synchronously: a scenario file is small, and each of the five steps through the thread pool
 * cost more than the read (a warm `tlsgate list` reads 41 files and parses none; and the load
 * cache's entries, whole).
 */
export function readAtMost(file: string, max: number): SourceBytes {
  const fd = openSync(file, 'r');
  try {
    const { size, mtimeMs } = fstatSync(fd);
    const chunks: Buffer[] = [];
    let total = 0;
    while (total < max) {
      // what the file claims it still holds and a byte more (its end, or its growth), then chunks;
      // not zero-filled (only what was read is kept): zeroing 64 KB per small file cost more than reading it
      const wanted = total < size ? size - total + 1 : CHUNK;
      const chunk = Buffer.allocUnsafe(Math.min(wanted, CHUNK, max - total));
      const bytesRead = readSync(fd, chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
    }
    return { bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total), size, mtimeMs };
  } finally {
    closeSync(fd);
  }
}
