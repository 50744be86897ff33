import { isMissingValue } from '../data/schema';
import { parseNumeric } from '../models/features';
import type {
  DataQualityResult,
  FeatureBaseline,
  FeatureQuality,
  LiveWindow,
  ModelBaseline,
  NumericBaseline,
} from './types';

// What the drift tests cannot show: a client sending `tenure: -5000` moves one histogram bar a hair,
// yet the model extrapolates far outside anything it learnt from, and a blank category quietly scores
// as a level of its own. Counting them per feature makes a broken client visible on the first run.
//
// A value counts as out of range only beyond a tenth of the range's width past the training min or
// max: live data from the training distribution steps just past the extremes of a finite training
// sample all the time (any window of a few thousand rows does), and that is not worth a line.
const RANGE_MARGIN = 0.1;

export function assessDataQuality(baseline: ModelBaseline, window: LiveWindow): DataQualityResult {
  const features = baseline.features.map((feature) =>
    featureQuality(feature, window.columns[feature.name], window.rows),
  );
  return {
    rows: window.rows,
    blanks: features.reduce((sum, f) => sum + f.blanks, 0),
    outOfRange: features.reduce((sum, f) => sum + (f.belowRange ?? 0) + (f.aboveRange ?? 0), 0),
    features,
  };
}

/** The training range; baselines stored before min/max existed have them as the first and last bin edge. */
export function trainingRange(feature: NumericBaseline): [number, number] | null {
  const min = feature.min ?? feature.binEdges[0];
  const max = feature.max ?? feature.binEdges[feature.binEdges.length - 1];
  return min === undefined || max === undefined ? null : [min, max];
}

/** A value a client meant as "no value": null, empty or blank text, or a spelling of missing. */
export function isBlank(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'number') return Number.isNaN(value);
  return typeof value === 'string' && (value.trim() === '' || isMissingValue(value.trim()));
}

function featureQuality(feature: FeatureBaseline, raw: readonly unknown[] | undefined, rows: number): FeatureQuality {
  const base = { name: feature.name, kind: feature.kind, trainingBlankShare: feature.missingShare };
  if (feature.kind === 'categorical') {
    let blanks = 0;
    for (let i = 0; i < rows; i++) if (isBlank(raw?.[i])) blanks++;
    return { ...base, blanks, blankShare: share(blanks, rows) };
  }
  const range = trainingRange(feature);
  let blanks = 0;
  let belowRange = 0;
  let aboveRange = 0;
  let liveMin = Infinity;
  let liveMax = -Infinity;
  const margin = range ? (range[1] - range[0]) * RANGE_MARGIN : 0;
  const low = range ? range[0] - margin : -Infinity;
  const high = range ? range[1] + margin : Infinity;
  for (let i = 0; i < rows; i++) {
    const x = parseNumeric(raw?.[i]);
    if (Number.isNaN(x)) {
      blanks++;
      continue;
    }
    if (x < liveMin) liveMin = x;
    if (x > liveMax) liveMax = x;
    if (range === null) continue;
    if (x < low) belowRange++;
    else if (x > high) aboveRange++;
  }
  const liveRange: [number, number] | null = liveMin <= liveMax ? [liveMin, liveMax] : null;
  return { ...base, blanks, blankShare: share(blanks, rows), range, belowRange, aboveRange, liveRange };
}

function share(count: number, rows: number): number {
  return rows > 0 ? count / rows : 0;
}
