/**
 * The innermost message of a failure chain, with its type: a child workflow's failure wraps the
 * activity failure, which wraps the error the activity threw (e.g. the list of data problems), and
 * that one says why (`InvalidDataError: /data/x.csv is not usable for training: …`).
 */
export function rootCauseMessage(err: unknown): string {
  let current: unknown = err;
  let message = err instanceof Error ? err.message : String(err);
  while (current instanceof Error) {
    if (current.message) {
      const type = (current as { type?: unknown }).type;
      message = typeof type === 'string' && type !== '' ? `${type}: ${current.message}` : current.message;
    }
    current = current.cause;
  }
  return message;
}
