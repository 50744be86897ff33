import { InvalidInputError } from '../core/errors';
import { parseNumeric } from '../models/features';
import { createRng } from '../models/random';
import type { FeatureSpec, RawTable } from '../models/types';
import { binShares, quantileEdges } from './stats/bins';
import type { CategoricalBaseline, FeatureBaseline, ModelBaseline, NumericBaseline } from './types';

// The reference a live window is compared with, computed once at training time and stored with the
// model version. It keeps summaries plus a bounded sample per numeric column (for exact two-sample
// tests), so it stays small (about 150 KB for Telco) whatever the size of the training data.

export interface BaselineOptions {
  modelName: string;
  seed: number;
  /** Quantile bins per numeric feature (default 10). */
  bins?: number;
  /** Values kept per numeric feature for two-sample tests (default 5,000). */
  sampleSize?: number;
}

const DEFAULT_BINS = 10;
const DEFAULT_SAMPLE_SIZE = 5_000;
/** Sample values keep 7 significant digits: every Telco amount survives and the JSON stays short. */
const SAMPLE_DIGITS = 7;

export function buildBaseline(
  table: RawTable,
  spec: FeatureSpec,
  rowIndices: number[],
  probabilities: ArrayLike<number>,
  performance: ModelBaseline['performance'],
  options: BaselineOptions,
): ModelBaseline {
  const { bins = DEFAULT_BINS, sampleSize = DEFAULT_SAMPLE_SIZE } = options;
  if (!Number.isInteger(bins) || bins < 1) throw new InvalidInputError(`bins must be a whole number >= 1, got ${bins}`);
  if (!Number.isInteger(sampleSize) || sampleSize < 1) {
    throw new InvalidInputError(`sampleSize must be a whole number >= 1, got ${sampleSize}`);
  }
  if (probabilities.length !== rowIndices.length) {
    throw new InvalidInputError(`${rowIndices.length} rows but ${probabilities.length} probabilities`);
  }
  const rng = createRng(options.seed);
  const features = spec.inputs.map((input): FeatureBaseline => {
    const cells = table.columns[input.name];
    if (!cells) throw new InvalidInputError(`Input column "${input.name}" is not in the table`);
    if (input.kind === 'categorical') return categoricalBaseline(input.name, cells, rowIndices);
    const values = Float64Array.from(rowIndices, (row) => parseNumeric(cells[row]));
    return numericBaseline(input.name, values, { bins, sampleSize, rng });
  });
  const prediction = numericBaseline('prediction', Float64Array.from(probabilities), { bins, sampleSize, rng });
  return { modelName: options.modelName, rows: rowIndices.length, features, prediction, performance };
}

/** Summary of one numeric column; NaN in `values` means missing. */
export function numericBaseline(
  name: string,
  values: Float64Array,
  options: { bins: number; sampleSize: number; rng: () => number },
): NumericBaseline {
  const present = values.filter((x) => !Number.isNaN(x)).sort();
  const n = present.length;
  let mean = 0;
  for (const x of present) mean += x / n;
  let variance = 0;
  for (const x of present) variance += (x - mean) ** 2 / n;
  const binEdges = quantileEdges(present, options.bins);
  return {
    name,
    kind: 'numeric',
    count: values.length,
    missingShare: values.length > 0 ? (values.length - n) / values.length : 0,
    mean,
    std: Math.sqrt(variance),
    ...(n > 0 ? { min: present[0], max: present[n - 1] } : {}),
    binEdges,
    binShares: binShares(present, binEdges),
    sample: sampleSorted(present, options.sampleSize, options.rng),
  };
}

function categoricalBaseline(name: string, cells: string[], rowIndices: number[]): CategoricalBaseline {
  const counts = new Map<string, number>();
  for (const row of rowIndices) {
    const level = cells[row] ?? '';
    counts.set(level, (counts.get(level) ?? 0) + 1);
  }
  const count = rowIndices.length;
  // Code-unit order, as the feature spec orders levels, so the JSON does not depend on the locale.
  const levels = [...counts.keys()].sort();
  const levelShares = Object.fromEntries(levels.map((level) => [level, (counts.get(level) as number) / count]));
  return { name, kind: 'categorical', count, missingShare: (counts.get('') ?? 0) / count || 0, levelShares };
}

/** A seeded sample without replacement (partial Fisher–Yates), returned sorted and rounded. */
function sampleSorted(sorted: Float64Array, size: number, rng: () => number): number[] {
  let chosen: Float64Array;
  if (sorted.length <= size) chosen = sorted;
  else {
    const pool = Float64Array.from(sorted);
    for (let i = 0; i < size; i++) {
      const j = i + Math.floor(rng() * (pool.length - i));
      const picked = pool[j] as number;
      pool[j] = pool[i] as number;
      pool[i] = picked;
    }
    chosen = pool.subarray(0, size).sort();
  }
  return Array.from(chosen, (x) => Number(x.toPrecision(SAMPLE_DIGITS)));
}
