import type { ClassificationMetrics, ConfusionMatrix } from '../contracts';
import { expectedCalibrationError, reliabilityCurve } from './reliability';

// Binary classification metrics on labels y ∈ {0, 1} and scores p. Metrics undefined for the data
// (an AUC with a single class present) are NaN rather than a made-up number.

const PROBABILITY_FLOOR = 1e-15;

/** Area under the ROC curve as the Mann–Whitney statistic; tied scores share their average rank. */
export function rocAuc(y: ArrayLike<number>, p: ArrayLike<number>): number {
  checkLengths(y, p);
  const order = indicesByScore(p, 'ascending');
  let positives = 0;
  let positiveRankSum = 0;
  for (let start = 0; start < order.length;) {
    const score = p[order[start] as number];
    let end = start;
    while (end < order.length && p[order[end] as number] === score) end++;
    const averageRank = (start + 1 + end) / 2; // ranks start..end-1 are 1-based start+1..end
    for (let k = start; k < end; k++) {
      if (y[order[k] as number] === 1) {
        positives++;
        positiveRankSum += averageRank;
      }
    }
    start = end;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Average precision as scikit-learn defines it: Σ (Rₖ − Rₖ₋₁)·Pₖ over the distinct score
 * thresholds, highest first, without interpolation.
 */
export function prAuc(y: ArrayLike<number>, p: ArrayLike<number>): number {
  checkLengths(y, p);
  const totalPositives = countPositives(y);
  if (totalPositives === 0) return NaN;
  let ap = 0;
  let previousRecall = 0;
  for (const { tp, predicted } of cumulativeCountsByThreshold(y, p)) {
    const recall = tp / totalPositives;
    ap += (recall - previousRecall) * (tp / predicted);
    previousRecall = recall;
  }
  return ap;
}

export function logLoss(y: ArrayLike<number>, p: ArrayLike<number>): number {
  checkLengths(y, p);
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    const clipped = Math.min(Math.max(p[i] as number, PROBABILITY_FLOOR), 1 - PROBABILITY_FLOOR);
    sum -= y[i] === 1 ? Math.log(clipped) : Math.log(1 - clipped);
  }
  return sum / y.length;
}

export function brier(y: ArrayLike<number>, p: ArrayLike<number>): number {
  checkLengths(y, p);
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += ((p[i] as number) - (y[i] as number)) ** 2;
  return sum / y.length;
}

/** Counts with "positive" predicted when p >= threshold. */
export function confusionAt(y: ArrayLike<number>, p: ArrayLike<number>, threshold: number): ConfusionMatrix {
  checkLengths(y, p);
  const confusion: ConfusionMatrix = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < y.length; i++) {
    const predictedPositive = (p[i] as number) >= threshold;
    if (y[i] === 1) {
      if (predictedPositive) confusion.tp++;
      else confusion.fn++;
    } else if (predictedPositive) confusion.fp++;
    else confusion.tn++;
  }
  return confusion;
}

/**
 * The observed score that, used as "positive when p >= threshold", gives the highest F1. Ties go
 * to the highest such threshold (fewest positives predicted); with no positive labels every F1 is
 * 0 and that is the highest score.
 */
export function bestF1Threshold(y: ArrayLike<number>, p: ArrayLike<number>): number {
  checkLengths(y, p);
  if (y.length === 0) throw new RangeError('bestF1Threshold needs at least one prediction');
  const totalPositives = countPositives(y);
  let best = { f1: -1, threshold: NaN };
  for (const { threshold, tp, predicted } of cumulativeCountsByThreshold(y, p)) {
    const f1 = (2 * tp) / (predicted + totalPositives);
    if (f1 > best.f1) best = { f1, threshold };
  }
  return best.threshold;
}

export function classificationMetrics(
  y: ArrayLike<number>,
  p: ArrayLike<number>,
  threshold: number,
): ClassificationMetrics {
  const confusion = confusionAt(y, p, threshold);
  const { tp, fp, tn, fn } = confusion;
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const reliability = reliabilityCurve(y, p);
  return {
    rocAuc: rocAuc(y, p),
    prAuc: prAuc(y, p),
    accuracy: y.length > 0 ? (tp + tn) / y.length : NaN,
    precision,
    recall,
    f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
    logLoss: logLoss(y, p),
    brier: brier(y, p),
    threshold,
    confusion,
    rows: y.length,
    positives: tp + fn,
    ece: expectedCalibrationError(reliability),
    reliability,
  };
}

/** For each distinct score, highest first: true positives and total predicted positives at p >= score. */
function* cumulativeCountsByThreshold(
  y: ArrayLike<number>,
  p: ArrayLike<number>,
): Generator<{ threshold: number; tp: number; predicted: number }> {
  const order = indicesByScore(p, 'descending');
  let tp = 0;
  for (let k = 0; k < order.length;) {
    const threshold = p[order[k] as number] as number;
    while (k < order.length && p[order[k] as number] === threshold) {
      if (y[order[k] as number] === 1) tp++;
      k++;
    }
    yield { threshold, tp, predicted: k };
  }
}

function indicesByScore(p: ArrayLike<number>, direction: 'ascending' | 'descending'): Uint32Array {
  const order = new Uint32Array(p.length).map((_, i) => i);
  const sign = direction === 'ascending' ? 1 : -1;
  return order.sort((a, b) => sign * ((p[a] as number) - (p[b] as number)));
}

function countPositives(y: ArrayLike<number>): number {
  let count = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === 1) count++;
  return count;
}

function checkLengths(y: ArrayLike<number>, p: ArrayLike<number>): void {
  if (y.length !== p.length) throw new RangeError(`${y.length} labels but ${p.length} scores`);
  for (let i = 0; i < p.length; i++) {
    if (Number.isNaN(p[i])) throw new RangeError(`Score ${i} is NaN`);
  }
}
