import { encodeTable } from './features';
import { predictProba } from './logistic';
import type { FeatureSpec, LogisticModel, RawTable } from './types';

/** Rows encoded at a time: a bounded design matrix (a few MB) instead of one the size of the table. */
const ROWS_PER_CHUNK = 20_000;

/** The model's probability for each of `rows` of `table`, encoded a chunk at a time. */
export function scoreRows(
  spec: FeatureSpec,
  model: LogisticModel,
  table: RawTable,
  rows: readonly number[],
): Float64Array {
  const probabilities = new Float64Array(rows.length);
  for (let start = 0; start < rows.length; start += ROWS_PER_CHUNK) {
    const chunk = rows.slice(start, start + ROWS_PER_CHUNK);
    probabilities.set(predictProba(model, encodeTable(spec, table, chunk)), start);
  }
  return probabilities;
}
