/**
 * Errors every layer may raise, defined below all of them so that no lower module imports the
 * CLI to say "bad input".
 */

/** Bad input from the user (flags, values, files): exit code 2 with this message, never a stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** the message of anything thrown (an Error's message, else its string form) */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
