/**
 * The innermost message of a failure chain: a child workflow's failure wraps the activity failure,
 * which wraps the error the activity threw (e.g. the list of data problems), and that one says why.
 */
export function rootCauseMessage(err: unknown): string {
  let current: unknown = err;
  let message = err instanceof Error ? err.message : String(err);
  while (current instanceof Error) {
    if (current.message) message = current.message;
    current = current.cause;
  }
  return message;
}
