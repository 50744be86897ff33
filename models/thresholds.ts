import type { ThresholdObjective } from '../contracts/lifecycle';
import { bestF1Threshold } from './metrics';

export type { ThresholdObjective };

export const DEFAULT_THRESHOLD_OBJECTIVE: ThresholdObjective = { metric: 'f1' };

export interface ThresholdChoice {
  threshold: number;
  objective: ThresholdObjective;
  /** False when no threshold reaches the target precision: the most precise one is chosen instead. */
  targetMet: boolean;
  /** Precision and recall at the chosen threshold on the rows it was chosen on. */
  precision: number;
  recall: number;
}

/**
 * The decision threshold ("positive when p >= threshold"), among the observed scores, for an objective:
 * - f1: the highest F1 (bestF1Threshold, ties to the highest threshold);
 * - precision ≥ target: of the thresholds that reach it, the lowest (the most recall); if none does,
 *   the most precise threshold (ties to the most recall) and targetMet false;
 * - recall ≥ target: the highest threshold that reaches it (the fewest false positives).
 */
export function chooseThreshold(
  y: ArrayLike<number>,
  p: ArrayLike<number>,
  objective: ThresholdObjective = DEFAULT_THRESHOLD_OBJECTIVE,
): ThresholdChoice {
  if (y.length !== p.length) throw new RangeError(`${y.length} labels but ${p.length} scores`);
  if (y.length === 0) throw new RangeError('chooseThreshold needs at least one prediction');
  const candidates = operatingPoints(y, p);
  const choose = (point: OperatingPoint, targetMet = true): ThresholdChoice => ({
    threshold: point.threshold,
    objective,
    targetMet,
    precision: point.precision,
    recall: point.recall,
  });
  if (objective.metric === 'f1') {
    const threshold = bestF1Threshold(y, p);
    return choose(candidates.find((point) => point.threshold === threshold) as OperatingPoint);
  }
  const { target } = objective;
  if (objective.metric === 'recall') {
    // Highest first, so the first point that reaches the target is the highest such threshold.
    const reached = candidates.find((point) => point.recall >= target);
    return choose(reached ?? (candidates.at(-1) as OperatingPoint), reached !== undefined);
  }
  const reaching = candidates.filter((point) => point.precision >= target);
  if (reaching.length > 0) return choose(reaching.at(-1) as OperatingPoint);
  const mostPrecise = candidates.reduce((best, point) => (point.precision >= best.precision ? point : best));
  return choose(mostPrecise, false);
}

interface OperatingPoint {
  threshold: number;
  precision: number;
  recall: number;
}

/** Precision and recall at each distinct score as the threshold, highest score first. */
function operatingPoints(y: ArrayLike<number>, p: ArrayLike<number>): OperatingPoint[] {
  const order = Array.from({ length: p.length }, (_, i) => i).sort((a, b) => (p[b] as number) - (p[a] as number));
  let totalPositives = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === 1) totalPositives++;
  const points: OperatingPoint[] = [];
  let tp = 0;
  for (let k = 0; k < order.length;) {
    const threshold = p[order[k] as number] as number;
    for (; k < order.length && p[order[k] as number] === threshold; k++) if (y[order[k] as number] === 1) tp++;
    points.push({ threshold, precision: tp / k, recall: totalPositives > 0 ? tp / totalPositives : 0 });
  }
  return points;
}
