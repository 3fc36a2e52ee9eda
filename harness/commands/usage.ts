/** Bad input from the user (flags, values, files): exit code 2 with this message, never a stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
