// Client input quoted back in an error message. A client controls its length (a 1 MB model name, a
// 10 MB string in a record) and its depth, so nothing is quoted whole and nothing is walked.

/** Longest piece of client input an error message quotes. */
export const MAX_ECHO_CHARS = 100;

/** `text` itself when short, else its first `MAX_ECHO_CHARS` characters, "…" and its full length. */
export function clip(text: string, max = MAX_ECHO_CHARS): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length} chars)`;
}

/** A client's string in double quotes (JSON escapes, so control characters show), clipped. */
export function quoted(text: string): string {
  if (text.length <= MAX_ECHO_CHARS) return JSON.stringify(text);
  return `${JSON.stringify(text.slice(0, MAX_ECHO_CHARS))}… (${text.length} chars)`;
}

/**
 * A short rendering of any client value: strings quoted and clipped, numbers and literals as JSON,
 * arrays and objects by kind only (JSON.stringify of a deeply nested value would overflow the stack).
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return quoted(value);
    case 'number':
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}
