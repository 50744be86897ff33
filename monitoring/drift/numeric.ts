import { numericQuality } from './data-quality';
import type { Measurement } from './feature-verdict';
import type { Rule } from './rules';
import { missingNote, pct, signed, value } from './wording';
import { binCounts, binLabels } from '../stats/bins';
import { ksTwoSample } from '../stats/kolmogorov-smirnov';
import { populationStabilityIndex } from '../stats/psi';
import { normalisedWasserstein } from '../stats/wasserstein';
import { parsedSorted } from './live-values';
import type { NumericBaseline } from '../types';

export function measureNumeric(
  reference: NumericBaseline,
  raw: readonly unknown[] | undefined,
  rows: number,
  rule: Rule,
): Measurement {
  const live = parsedSorted(raw, rows);
  const liveMissingShare = rows > 0 ? (rows - live.length) / rows : 0;
  const liveShares = binCounts(live, reference.binEdges).map((count) => (live.length > 0 ? count / live.length : 0));
  const histogram = { labels: binLabels(reference.binEdges), reference: reference.binShares, live: liveShares };
  const quality = numericQuality(reference, live, rows);
  const base = {
    name: reference.name,
    kind: 'numeric' as const,
    rule,
    rows: live.length,
    liveMissingShare,
    histogram,
    quality,
  };
  const missing = missingNote(reference.missingShare, liveMissingShare);
  if (reference.sample.length === 0) {
    const reason = 'Not compared: the training data had no values of this feature.';
    return { ...base, statistic: 0, effect: 0, psi: 0, change: '', verdict: { drifted: false, reason } };
  }
  if (live.length === 0) {
    const reason = `All ${rows.toLocaleString('en-US')} live values are missing (${pct(reference.missingShare)} in training): check that clients still send ${reference.name}.`;
    return { ...base, statistic: 0, effect: 0, psi: 0, change: '', verdict: { drifted: true, reason } };
  }
  // Sorted once here and reused by KS and Wasserstein, which both walk the two samples in step.
  const sample = Float64Array.from(reference.sample).sort();
  const effect = normalisedWasserstein(sample, live, reference.std);
  const ks = rule.test === 'ks' ? ksTwoSample(sample, live) : undefined;
  const liveMean = mean(live);
  const meanShift = (liveMean - reference.mean) / (reference.std > 0 ? reference.std : 1);
  const change =
    `mean ${value(reference.mean)} → ${value(liveMean)} (${signed(meanShift)} SD), ` +
    `distribution shift ${effect.toFixed(2)} SD${missing}`;
  return {
    ...base,
    statistic: ks ? ks.statistic : effect,
    ...(ks ? { pValue: ks.pValue } : {}),
    effect,
    psi: populationStabilityIndex(reference.binShares, liveShares),
    change,
  };
}

function mean(values: Float64Array): number {
  let sum = 0;
  for (const x of values) sum += x;
  return sum / values.length;
}
