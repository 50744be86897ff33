import { categoricalQuality } from './data-quality';
import type { Measurement } from './feature-verdict';
import type { Rule } from './rules';
import { biggestMove } from './wording';
import { chiSquareHomogeneity } from '../stats/chi-square';
import { jensenShannonDistance } from '../stats/jensen-shannon';
import { populationStabilityIndex } from '../stats/psi';
import { countLevels } from './live-values';
import type { CategoricalBaseline, Histogram } from '../types';

/** Histograms of categorical features show at most this many labels, the rarest pooled as "other". */
const MAX_HISTOGRAM_LEVELS = 20;
const OTHER_LABEL = 'other';
const MISSING_LABEL = '(missing)';

export function measureCategorical(
  reference: CategoricalBaseline,
  raw: readonly unknown[] | undefined,
  rows: number,
  rule: Rule,
): Measurement {
  const counts = countLevels(raw, rows);
  const levels = [...new Set([...Object.keys(reference.levelShares), ...counts.keys()])];
  // Own keys only: a live level named "constructor" must not read Object.prototype's.
  const referenceShares = levels.map((level) =>
    Object.hasOwn(reference.levelShares, level) ? (reference.levelShares[level] ?? 0) : 0,
  );
  const liveShares = levels.map((level) => (counts.get(level) ?? 0) / rows);
  const liveMissingShare = (counts.get('') ?? 0) / rows;
  const histogram = cappedHistogram(levels, referenceShares, liveShares);
  const base = {
    name: reference.name,
    kind: 'categorical' as const,
    rule,
    rows: rows - (counts.get('') ?? 0),
    liveMissingShare,
    histogram,
    psi: populationStabilityIndex(histogram.reference, histogram.live),
    quality: categoricalQuality(reference, counts, rows),
  };
  if (referenceShares.every((share) => share === 0)) {
    const reason = 'Not compared: the baseline has no levels for this feature.';
    return { ...base, statistic: 0, effect: 0, change: '', verdict: { drifted: false, reason } };
  }
  const effect = jensenShannonDistance(referenceShares, liveShares);
  const chi2 =
    rule.test === 'chi2'
      ? chiSquareHomogeneity({ shares: reference.levelShares, count: reference.count }, counts)
      : undefined;
  const change = `${biggestMove(levels, referenceShares, liveShares)}, JS distance ${effect.toFixed(3)}`;
  return {
    ...base,
    statistic: chi2 ? chi2.statistic : effect,
    ...(chi2 ? { pValue: chi2.pValue } : {}),
    effect,
    change,
  };
}

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
