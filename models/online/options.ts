import { InvalidInputError } from '../../core/errors';

// The knobs of the online learner and their defaults, in one place so the workflow, the CLI and the
// benchmark describe the same learner.

export interface OnlineOptions {
  /** AdaGrad's base step η (per coordinate the step is η·g/√(G₀ + Σg²)). */
  learningRate: number;
  /**
   * L2 penalty per record on the weights (not the intercept), added to each mini-batch's mean
   * gradient as l2·w: the online form of the batch objective's l2/(2n)·‖w‖² on the mean loss.
   */
  l2: number;
  /**
   * AdaGrad's starting accumulator G₀ for every coordinate (TensorFlow's default, 0.1): without it the
   * first step of a warm-started model is η·sign(g) on every coordinate, a jump away from the batch fit.
   */
  initialAccumulator: number;
  /**
   * ρ in G ← ρ·G + g² (1 = plain AdaGrad). Below 1 the accumulator forgets old gradients, so the steps
   * stop shrinking once about 1/(1−ρ) updates are behind them (steady state G = E[g²]/(1−ρ), the
   * RMSProp step with rate η·√(1−ρ)): a model that has learned a million records can still follow a
   * changed market. Larger gradients after a change also enlarge G only gradually, keeping steps sane.
   */
  accumulatorDecay: number;
  /** Each mini-batch's gradient (weights and intercept) is scaled down to at most this L2 norm. */
  maxGradientNorm: number;
  /**
   * The bound on one update: the change of (weights, intercept) in one mini-batch has at most this
   * L2 norm, so k mini-batches of wrong labels move the model at most k·maxStepNorm.
   */
  maxStepNorm: number;
}

export const DEFAULT_ONLINE_OPTIONS: Readonly<OnlineOptions> = {
  learningRate: 0.1,
  l2: 1e-4,
  initialAccumulator: 0.1,
  accumulatorDecay: 0.999,
  maxGradientNorm: 1,
  maxStepNorm: 0.1,
};

/**
 * Records learned in one update unless the caller says otherwise. Not 1: a single record's gradient
 * is large and mostly noise, so the bounds clip it often, and clipping the large gradients of the rarer
 * class more than the others biases the intercept (seen on the Telco stream: mean prediction 0.20 for
 * a churn rate of 0.26 with batches of 1, 0.27 with 16).
 */
export const DEFAULT_BATCH_SIZE = 16;

/** Defaults filled in; every value must be finite and in range (an InvalidInputError names the one that is not). */
export function resolveOnlineOptions(options: Partial<OnlineOptions> = {}): OnlineOptions {
  const resolved = { ...DEFAULT_ONLINE_OPTIONS };
  for (const [key, value] of Object.entries(options) as [keyof OnlineOptions, number | undefined][]) {
    if (value !== undefined) resolved[key] = value;
  }
  const positive: (keyof OnlineOptions)[] = ['learningRate', 'initialAccumulator', 'maxGradientNorm', 'maxStepNorm'];
  for (const key of positive) {
    if (!(Number.isFinite(resolved[key]) && resolved[key] > 0)) {
      throw new InvalidInputError(`${key} must be a finite number > 0, got ${resolved[key]}`);
    }
  }
  if (!(resolved.accumulatorDecay > 0 && resolved.accumulatorDecay <= 1)) {
    throw new InvalidInputError(`accumulatorDecay must be in (0, 1], got ${resolved.accumulatorDecay}`);
  }
  if (!(Number.isFinite(resolved.l2) && resolved.l2 >= 0)) {
    throw new InvalidInputError(`l2 must be a finite number >= 0, got ${resolved.l2}`);
  }
  return resolved;
}
