/**
 * Command lines for a POSIX shell: words that need it are single-quoted, so a printed line pastes
 * as it is (absolute paths may hold spaces, cipher strings hold `!`).
 */
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shellWord(word: string): string {
  return SAFE_WORD.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export const shellLine = (words: readonly string[]): string => words.map(shellWord).join(' ');
