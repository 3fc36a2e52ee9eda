/**
 * Where a reporter's text goes. stdout is written as it comes (a live console); a file is
 * written once, atomically, when the reporter ends, so a reader never sees half a report.
 */
import { PUBLIC_FILE, writeFileAtomic } from '../../ca/issue/atomic-file.js';

export interface Output {
  /** a terminal a human watches: live progress lines and colors make sense */
  readonly isTTY: boolean;
  write(text: string): void;
  /** flush: for a file, this is when it is written */
  close(): Promise<void>;
}

export function streamOutput(stream: NodeJS.WritableStream & { isTTY?: boolean }): Output {
  return {
    isTTY: stream.isTTY === true,
    write: (text) => void stream.write(text),
    close: async () => {},
  };
}

export function fileOutput(path: string): Output {
  const chunks: string[] = [];
  return {
    isTTY: false,
    write: (text) => void chunks.push(text),
    close: async () => void await writeFileAtomic(path, chunks.join(''), PUBLIC_FILE),
  };
}

/** collects text in memory (tests, and reporters that post-process their own output) */
export function memoryOutput(opts: { isTTY?: boolean } = {}): Output & { text(): string } {
  const chunks: string[] = [];
  return {
    isTTY: opts.isTTY ?? false,
    write: (text) => void chunks.push(text),
    close: async () => {},
    text: () => chunks.join(''),
  };
}
