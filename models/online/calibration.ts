// Calibration of probabilities against 0/1 outcomes: is a predicted 30% right 30% of the time?

export const ECE_BINS = 10;

/**
 * Expected calibration error over `bins` equal-width bins of the predicted probability: Σ (nᵦ/n)·
 * |mean predicted in b − observed rate in b|. A probability of exactly 1 falls in the last bin.
 * NaN for no records.
 */
export function expectedCalibrationError(y: ArrayLike<number>, p: ArrayLike<number>, bins = ECE_BINS): number {
  if (y.length !== p.length) throw new RangeError(`${y.length} labels but ${p.length} probabilities`);
  if (y.length === 0) return NaN;
  const counts = new Float64Array(bins);
  const predicted = new Float64Array(bins);
  const observed = new Float64Array(bins);
  for (let i = 0; i < y.length; i++) {
    const probability = p[i] as number;
    const bin = Math.min(bins - 1, Math.max(0, Math.floor(probability * bins)));
    counts[bin] = (counts[bin] as number) + 1;
    predicted[bin] = (predicted[bin] as number) + probability;
    observed[bin] = (observed[bin] as number) + (y[i] as number);
  }
  let error = 0;
  for (let b = 0; b < bins; b++) {
    error += Math.abs((predicted[b] as number) - (observed[b] as number));
  }
  // Σ (nᵦ/n)·|Σp/nᵦ − Σy/nᵦ| = Σ |Σp − Σy| / n
  return error / y.length;
}

export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return sum / values.length;
}
