/** A true outcome: 1 is the model's positive class (what its probability is the probability of). */
export type Outcome = 0 | 1;

const POSITIVE_WORDS = new Set(['1', 'true', 'yes']);
const NEGATIVE_WORDS = new Set(['0', 'false', 'no']);

/**
 * Reads a feedback label: 0/1, true/false, "Yes"/"No", "1"/"0", "true"/"false" (any case), or the
 * positive class name the model version was trained with (e.g. "Churned"). When that name is itself a
 * negative word (a target whose positive class is "No"), the generic words would mean the opposite of
 * what they say, so only 0/1, booleans and the class name are accepted for that version.
 */
export function parseLabel(value: unknown, positiveLabel?: string | null): { label: Outcome } | { error: string } {
  if (value === 1 || value === true) return { label: 1 };
  if (value === 0 || value === false) return { label: 0 };
  if (typeof value !== 'string') {
    return { error: `label must be 0, 1, true, false or a class name, got ${describe(value)}` };
  }
  const word = value.trim().toLowerCase();
  const positive = positiveLabel?.trim().toLowerCase();
  if (positive !== undefined && positive !== '' && word === positive) return { label: 1 };
  const ambiguous = positive !== undefined && NEGATIVE_WORDS.has(positive);
  if (!ambiguous && POSITIVE_WORDS.has(word)) return { label: 1 };
  if (!ambiguous && NEGATIVE_WORDS.has(word)) return { label: 0 };
  const named =
    positive && !POSITIVE_WORDS.has(positive)
      ? ` or ${JSON.stringify(positiveLabel)} (the model's positive class)`
      : '';
  const words = ambiguous ? '' : ', "Yes"/"No", "true"/"false"';
  return { error: `label ${describe(value)} is not understood; send 0/1, true/false${words}${named}` };
}

/** Objects are named by kind, never stringified: a deeply nested one would overflow JSON.stringify. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  const json = JSON.stringify(value) ?? typeof value;
  return json.length > 40 ? `${json.slice(0, 37)}...` : json;
}
