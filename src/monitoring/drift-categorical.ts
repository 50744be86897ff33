import { cappedHistogram } from './drift-histogram';
import type { Measurement } from './drift-measurement';
import type { Rule } from './drift-rules';
import { biggestMove } from './drift-wording';
import { chiSquareHomogeneity } from './stats/chi-square';
import { jensenShannonDistance } from './stats/jensen-shannon';
import { populationStabilityIndex } from './stats/psi';
import type { CategoricalBaseline } from './types';

/** Levels counted by comparison before a Map takes over (see countLevels). */
const SCANNED_LEVELS = 16;

export function measureCategorical(
  reference: CategoricalBaseline,
  raw: readonly unknown[] | undefined,
  rows: number,
  rule: Rule,
): Measurement {
  const counts = countLevels(raw, rows);
  const levels = [...new Set([...Object.keys(reference.levelShares), ...counts.keys()])];
  const referenceShares = levels.map((level) => reference.levelShares[level] ?? 0);
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

/**
 * Rows per level. A column holds a handful of levels, and comparing each value with those seen so far
 * is several times faster than hashing every string into a Map; past 16 levels the Map takes over.
 */
function countLevels(raw: readonly unknown[] | undefined, rows: number): Map<string, number> {
  const seen: string[] = [];
  const seenCounts: number[] = [];
  const counts = new Map<string, number>();
  for (let i = 0; i < rows; i++) {
    const level = levelOf(raw?.[i]);
    let k = 0;
    while (k < seen.length && seen[k] !== level) k++;
    if (k < seen.length) seenCounts[k] = (seenCounts[k] as number) + 1;
    else if (seen.length < SCANNED_LEVELS) {
      seen.push(level);
      seenCounts.push(1);
    } else counts.set(level, (counts.get(level) ?? 0) + 1);
  }
  seen.forEach((level, k) => counts.set(level, seenCounts[k] as number));
  return counts;
}

/** A raw value as a category, read like the encoder reads it (src/models/features.ts). */
function levelOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  // The encoder matches no level for an object; here it shows as a level of its own, so it is noticed.
  return '(not a category)';
}
