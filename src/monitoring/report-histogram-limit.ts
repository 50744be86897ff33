import type { Histogram } from './types';

/**
 * Keeps a categorical histogram drawable: with more than `maxBars` levels, the levels with the
 * largest share on either side stay and the rest are summed into one "other" bar. Bars thinner than
 * a few pixels cannot be read, and a high-cardinality column would otherwise bloat the report.
 * Numeric bins are never folded: their order is the point of the plot.
 */
export function limitHistogram(histogram: Histogram, maxBars: number): Histogram {
  const count = histogram.labels.length;
  if (count <= maxBars) return histogram;
  const weight = (i: number): number => Math.max(histogram.reference[i] ?? 0, histogram.live[i] ?? 0);
  const ranked = Array.from({ length: count }, (_, i) => i).sort((a, b) => weight(b) - weight(a) || a - b);
  const kept = ranked.slice(0, maxBars - 1).sort((a, b) => a - b);
  const folded = ranked.slice(maxBars - 1);
  const sum = (shares: number[]): number => folded.reduce((total, i) => total + (shares[i] ?? 0), 0);
  return {
    labels: [...kept.map((i) => histogram.labels[i] ?? ''), `other (${folded.length} levels)`],
    reference: [...kept.map((i) => histogram.reference[i] ?? 0), sum(histogram.reference)],
    live: [...kept.map((i) => histogram.live[i] ?? 0), sum(histogram.live)],
  };
}
