import { isMissingValue } from '../../data/schema';
import { countLevels, parsedSorted } from './live-values';
import type {
  CategoricalBaseline,
  DataQualityResult,
  FeatureQuality,
  LiveWindow,
  ModelBaseline,
  NumericBaseline,
} from '../types';

// What the drift tests cannot show: a client sending `tenure: -5000` moves one histogram bar a hair,
// yet the model extrapolates far outside anything it learnt from, and a blank category quietly scores
// as a level of its own. Counting them per feature makes a broken client visible on the first run.
// The counts come from the passes the drift tests make anyway (sorted values, level counts), so they
// cost a binary search per numeric feature and a look at each distinct level.
//
// A value counts as out of range only beyond a tenth of the range's width past the training min or
// max: live data from the training distribution steps just past the extremes of a finite training
// sample all the time (any window of a few thousand rows does), and that is not worth a line.
const RANGE_MARGIN = 0.1;

/** The window's data quality on its own, for a window too small to be tested for drift. */
export function assessDataQuality(baseline: ModelBaseline, window: LiveWindow): DataQualityResult {
  const features = baseline.features.map((feature) => {
    const raw = window.columns[feature.name];
    return feature.kind === 'numeric'
      ? numericQuality(feature, parsedSorted(raw, window.rows), window.rows)
      : categoricalQuality(feature, countLevels(raw, window.rows), window.rows);
  });
  return qualityOf(window.rows, features);
}

export function qualityOf(rows: number, features: FeatureQuality[]): DataQualityResult {
  return {
    rows,
    blanks: features.reduce((sum, f) => sum + f.blanks, 0),
    outOfRange: features.reduce((sum, f) => sum + outOfRange(f), 0),
    features,
  };
}

/** Live values below or above the training range. */
export function outOfRange(f: FeatureQuality): number {
  return (f.belowRange ?? 0) + (f.aboveRange ?? 0);
}

/** The training range; baselines stored before min/max existed have them as the first and last bin edge. */
export function trainingRange(feature: NumericBaseline): [number, number] | null {
  const min = feature.min ?? feature.binEdges[0];
  const max = feature.max ?? feature.binEdges[feature.binEdges.length - 1];
  return min === undefined || max === undefined ? null : [min, max];
}

/** A level a client meant as "no value": empty or blank text, or a spelling of missing (null reads as ''). */
export function isBlankLevel(level: string): boolean {
  const trimmed = level.trim();
  return trimmed === '' || isMissingValue(trimmed);
}

/** From the window's non-blank values, sorted ascending: `rows` minus their count are blank or not numbers. */
export function numericQuality(feature: NumericBaseline, sorted: Float64Array, rows: number): FeatureQuality {
  const range = trainingRange(feature);
  const n = sorted.length;
  const liveRange: [number, number] | null = n > 0 ? [sorted[0] as number, sorted[n - 1] as number] : null;
  let belowRange = 0;
  let aboveRange = 0;
  if (range !== null) {
    const margin = (range[1] - range[0]) * RANGE_MARGIN;
    belowRange = firstAtLeast(sorted, range[0] - margin, false);
    aboveRange = n - firstAtLeast(sorted, range[1] + margin, true);
  }
  const blanks = rows - n;
  return {
    name: feature.name,
    kind: 'numeric',
    blanks,
    blankShare: share(blanks, rows),
    trainingBlankShare: feature.missingShare,
    range,
    belowRange,
    aboveRange,
    liveRange,
  };
}

/** From the window's rows per level. */
export function categoricalQuality(
  feature: CategoricalBaseline,
  counts: ReadonlyMap<string, number>,
  rows: number,
): FeatureQuality {
  let blanks = 0;
  for (const [level, count] of counts) if (isBlankLevel(level)) blanks += count;
  return {
    name: feature.name,
    kind: 'categorical',
    blanks,
    blankShare: share(blanks, rows),
    trainingBlankShare: feature.missingShare,
  };
}

/** Index of the first value >= limit (or > limit when `strictly`) in an ascending array. */
function firstAtLeast(sorted: Float64Array, limit: number, strictly: boolean): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const x = sorted[mid] as number;
    if (strictly ? x <= limit : x < limit) low = mid + 1;
    else high = mid;
  }
  return low;
}

function share(count: number, rows: number): number {
  return rows > 0 ? count / rows : 0;
}
