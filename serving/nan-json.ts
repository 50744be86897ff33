import { parseJsonBody } from './json-body';

/** A JSON string (escapes included) or a bare NaN: strings are matched first, so "NaN" inside one stays. */
const STRING_OR_NAN = /"(?:[^"\\]|\\.)*"|\bNaN\b/g;

/**
 * Parses a JSON body of the MLflow and V2 routes. Python clients write a missing number as a bare
 * `NaN` (MLflow's `dump_input_data` for a DataFrame, tritonclient's JSON tensors), which Python's json
 * reads and JSON.parse refuses; here it reads as null, a missing value (imputed for a numeric column,
 * as in training). Everything else is JSON as `parseJsonBody` reads it, prototype keys refused.
 */
export function parseJsonAllowingNaN(text: string): unknown {
  return parseJsonBody(
    text.includes('NaN') ? text.replace(STRING_OR_NAN, (match) => (match === 'NaN' ? 'null' : match)) : text,
  );
}
