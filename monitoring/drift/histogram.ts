import type { Histogram } from '../types';

/** Histograms of categorical features show at most this many labels, the rarest pooled as "other". */
const MAX_HISTOGRAM_LEVELS = 20;
const OTHER_LABEL = 'other';
const MISSING_LABEL = '(missing)';

/** Levels by their larger share, the rarest pooled into "other" beyond 20 labels. */
export function cappedHistogram(levels: string[], reference: number[], live: number[]): Histogram {
  const order = levels
    .map((level, k) => ({ level, reference: reference[k] as number, live: live[k] as number }))
    .sort((a, b) => Math.max(b.reference, b.live) - Math.max(a.reference, a.live));
  const shown = order.length > MAX_HISTOGRAM_LEVELS ? order.slice(0, MAX_HISTOGRAM_LEVELS - 1) : order;
  const pooled = order.slice(shown.length);
  const histogram: Histogram = {
    labels: shown.map((l) => (l.level === '' ? MISSING_LABEL : l.level)),
    reference: shown.map((l) => l.reference),
    live: shown.map((l) => l.live),
  };
  if (pooled.length > 0) {
    histogram.labels.push(OTHER_LABEL);
    histogram.reference.push(pooled.reduce((sum, l) => sum + l.reference, 0));
    histogram.live.push(pooled.reduce((sum, l) => sum + l.live, 0));
  }
  return histogram;
}
