/** Longest piece of a file's text (a header, a column name, a value) an error message quotes. */
export const EXCERPT_CHARS = 200;

// C0 and C1 controls, DEL, and the bidirectional overrides that can make a message read differently
// from what it says (U+202A-U+202E, U+2066-U+2069), plus line and paragraph separators.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from a file or a request, made safe to quote in an error that ends up in Temporal history
 * and terminals: at most `maxChars` characters (then '…'), every control character escaped (\n,
 * \t, \x00, \u202e), so a quoted value can neither run on unbounded nor fake a line of output.
 */
export function printableExcerpt(text: string, maxChars = EXCERPT_CHARS): string {
  const chars = Array.from(text);
  const cut = chars.length > maxChars ? `${chars.slice(0, maxChars).join('')}…` : text;
  return cut.replace(UNPRINTABLE, escapeChar);
}

function escapeChar(char: string): string {
  if (char === '\n') return '\\n';
  if (char === '\r') return '\\r';
  if (char === '\t') return '\\t';
  const code = char.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}
