import type { ReliabilityBin } from '../contracts';

/** Bins of the reliability curve and the expected calibration error: equal-width on [0, 1]. */
export const RELIABILITY_BINS = 10;

/**
 * Equal-width bins of predicted probability, [k/B, (k+1)/B) with 1 in the last: per bin the mean
 * prediction, the observed positive rate and the count. Empty bins stay in the list with null means,
 * so bin k is always entry k.
 */
export function reliabilityCurve(
  y: ArrayLike<number>,
  p: ArrayLike<number>,
  bins = RELIABILITY_BINS,
): ReliabilityBin[] {
  if (y.length !== p.length) throw new RangeError(`${y.length} labels but ${p.length} scores`);
  const counts = new Float64Array(bins);
  const predicted = new Float64Array(bins);
  const positives = new Float64Array(bins);
  for (let i = 0; i < p.length; i++) {
    const score = p[i] as number;
    if (!(score >= 0 && score <= 1)) throw new RangeError(`Score ${i} is ${score}, not a probability`);
    const bin = Math.min(Math.floor(score * bins), bins - 1);
    counts[bin] = (counts[bin] as number) + 1;
    predicted[bin] = (predicted[bin] as number) + score;
    positives[bin] = (positives[bin] as number) + (y[i] === 1 ? 1 : 0);
  }
  return Array.from(counts, (count, k) => ({
    lower: k / bins,
    upper: (k + 1) / bins,
    count,
    meanPredicted: count > 0 ? (predicted[k] as number) / count : null,
    observedRate: count > 0 ? (positives[k] as number) / count : null,
  }));
}

/** Σ over bins of (count / rows)·|meanPredicted − observedRate|; NaN with no rows. */
export function expectedCalibrationError(curve: readonly ReliabilityBin[]): number {
  const rows = curve.reduce((sum, bin) => sum + bin.count, 0);
  if (rows === 0) return NaN;
  let ece = 0;
  for (const bin of curve) {
    if (bin.count === 0 || bin.meanPredicted === null || bin.observedRate === null) continue;
    ece += (bin.count / rows) * Math.abs(bin.meanPredicted - bin.observedRate);
  }
  return ece;
}
