import type { Matrix } from '../types';
import { sigmoid } from '../logistic';
import type { OnlineOptions } from './options';

// The update rule: AdaGrad (Duchi, Hazan & Singer 2011) on the mean log loss of a mini-batch plus an
// L2 term, per-coordinate steps η·g/√G with G ← ρ·G + g² started at G₀; then the step is bounded.
//
// Why AdaGrad rather than FTRL-proximal: FTRL's gain over AdaGrad is L1-induced sparsity over millions
// of sparse features; our design matrix is a few dozen dense columns (standardised numerics and
// one-hot levels), and the model must stay the batch model's shape. AdaGrad's per-coordinate rates
// are what matters here: a rare category level gets large steps when it does appear, a numeric column
// seen every record gets small ones. Warm start is exact and needs no inversion: the weights ARE the
// state, so they start as the batch coefficients (FTRL would need z = -w·((β+√n)/α + λ₂) solved back
// from them), and G starts at G₀ so the first steps from the batch optimum are small, not η·sign(g).
// Plain AdaGrad (ρ = 1) lets steps shrink like 1/√t forever, right for a fixed concept (O(√T) regret)
// but a model that has learned a million records could then barely follow a changed market, which
// is the point of learning online; ρ < 1 (default 0.999, about 1,000 updates of memory) keeps the
// steps from vanishing: the steady state is RMSProp's step with rate η·√(1−ρ). On the benchmark
// stream with a concept change (bench/online.ts) ρ = 0.999 beat ρ = 1 after the change and matched it
// before. Bounding every step (maxStepNorm), not the decay, is what makes a burst of wrong labels
// harmless: k updates move the coefficients at most k·maxStepNorm in L2 norm.

const ACCUMULATOR_FLOOR = 1e-12;

/** What one mini-batch update did, for the caller's log and the tests. */
export interface StepReport {
  /** Records in the mini-batch. */
  records: number;
  /** Mean log loss of the batch under the weights before the step. */
  loss: number;
  /** L2 norm of the mean gradient before clipping. */
  gradientNorm: number;
  /** L2 norm of the change of (weights, intercept). */
  stepNorm: number;
  /** Whether the gradient or the step was scaled down to its bound. */
  clipped: boolean;
}

/**
 * One AdaGrad step on rows `X` with labels `y`, in place on `parameters` (weights then the intercept
 * last) and `accumulators` (Σg² per coordinate, started at G₀). The gradient is clipped to
 * `maxGradientNorm` before it is accumulated, so a burst cannot inflate the accumulators either.
 */
export function adagradStep(
  X: Matrix,
  y: ArrayLike<number>,
  parameters: Float64Array,
  accumulators: Float64Array,
  options: OnlineOptions,
): StepReport {
  const { rows, cols, data } = X;
  const gradient = new Float64Array(cols + 1);
  let loss = 0;
  for (let i = 0; i < rows; i++) {
    const offset = i * cols;
    let z = parameters[cols] as number;
    for (let j = 0; j < cols; j++) z += (data[offset + j] as number) * (parameters[j] as number);
    const label = y[i] as number;
    loss += Math.log1p(Math.exp(-Math.abs(z))) + Math.max(z, 0) - label * z;
    const residual = sigmoid(z) - label;
    for (let j = 0; j < cols; j++) {
      const x = data[offset + j] as number;
      if (x !== 0) gradient[j] = (gradient[j] as number) + residual * x;
    }
    gradient[cols] = (gradient[cols] as number) + residual;
  }
  for (let j = 0; j < cols; j++) gradient[j] = (gradient[j] as number) / rows + options.l2 * (parameters[j] as number);
  gradient[cols] = (gradient[cols] as number) / rows;

  const gradientNorm = norm(gradient);
  const gradientScale = gradientNorm > options.maxGradientNorm ? options.maxGradientNorm / gradientNorm : 1;
  const step = new Float64Array(cols + 1);
  for (let j = 0; j <= cols; j++) {
    const g = (gradient[j] as number) * gradientScale;
    // The floor keeps a coordinate whose gradient stays exactly 0 from decaying to 0 and dividing 0 by 0.
    const accumulated = Math.max(options.accumulatorDecay * (accumulators[j] as number) + g * g, ACCUMULATOR_FLOOR);
    accumulators[j] = accumulated;
    step[j] = (-options.learningRate * g) / Math.sqrt(accumulated);
  }
  const rawStepNorm = norm(step);
  const stepScale = rawStepNorm > options.maxStepNorm ? options.maxStepNorm / rawStepNorm : 1;
  for (let j = 0; j <= cols; j++) parameters[j] = (parameters[j] as number) + (step[j] as number) * stepScale;
  return {
    records: rows,
    loss: loss / rows,
    gradientNorm,
    stepNorm: rawStepNorm * stepScale,
    clipped: gradientScale < 1 || stepScale < 1,
  };
}

function norm(values: Float64Array): number {
  let sum = 0;
  for (const value of values) sum += value * value;
  return Math.sqrt(sum);
}
