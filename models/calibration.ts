import { InvalidInputError } from '../core/errors';
import type { CalibrationMethod } from '../contracts/lifecycle';
import { fitLogistic, sigmoid } from './logistic';

// Probability calibration: a monotone map fitted on the validation split's (label, probability)
// pairs and applied after the model's probability, here and in the exported graph
// (onnx-calibration.ts computes the same formulas with the same constants):
//
//   platt     p' = sigmoid(a·logit(p) + b), logit(p) = log(p) − log(1 − p) of p clipped to
//             [ε, 1 − ε]; a and b are the maximum-likelihood logistic fit of the labels on logit(p)
//             (no target smoothing, no penalty).
//   isotonic  p' = y₀ + Σₖ slopeₖ·min(max(p − xₖ, 0), xₖ₊₁ − xₖ), clipped to [0, 1]: the
//             pool-adjacent-violators fit, interpolated linearly between its breakpoints (x, y) and
//             flat outside them, as scikit-learn's IsotonicRegression predicts.

export type { CalibrationMethod };

export type Calibration =
  | { method: 'platt'; a: number; b: number; rows: number }
  | { method: 'isotonic'; x: number[]; y: number[]; rows: number };

/** Probabilities are clipped to [ε, 1 − ε] before the logit, so p = 0 or 1 maps to a finite score. */
export const PLATT_CLIP = 1e-15;

/** Fits `method` on validation labels and probabilities; undefined for 'none'. */
export function fitCalibration(
  method: CalibrationMethod,
  y: ArrayLike<number>,
  p: ArrayLike<number>,
): Calibration | undefined {
  if (y.length !== p.length) throw new RangeError(`${y.length} labels but ${p.length} probabilities`);
  if (method === 'none') return undefined;
  if (y.length === 0) throw new InvalidInputError('Calibration needs at least one validation row');
  return method === 'platt' ? fitPlatt(y, p) : fitIsotonic(y, p);
}

/** The calibrated probability of each of `p`. */
export function applyCalibration(calibration: Calibration | undefined, p: ArrayLike<number>): number[] {
  const out = Array.from(p);
  if (calibration === undefined) return out;
  if (calibration.method === 'platt') {
    const { a, b } = calibration;
    return out.map((value) => sigmoid(a * clippedLogit(value) + b));
  }
  const { widths, slopes } = isotonicSegments(calibration);
  const start = calibration.x;
  const y0 = calibration.y[0] as number;
  return out.map((value) => {
    // Summed as the graph's MatMul does, then y₀ added, so both round alike.
    let rise = 0;
    for (let k = 0; k < widths.length; k++) {
      rise += (slopes[k] as number) * Math.min(Math.max(value - (start[k] as number), 0), widths[k] as number);
    }
    return Math.min(Math.max(rise + y0, 0), 1);
  });
}

/** Segment widths xₖ₊₁ − xₖ and slopes (yₖ₊₁ − yₖ)/width: computed once, here, for Node and the graph alike. */
export function isotonicSegments(calibration: { x: number[]; y: number[] }): { widths: number[]; slopes: number[] } {
  const { x, y } = calibration;
  const widths: number[] = [];
  const slopes: number[] = [];
  for (let k = 0; k + 1 < x.length; k++) {
    const width = (x[k + 1] as number) - (x[k] as number);
    widths.push(width);
    slopes.push(((y[k + 1] as number) - (y[k] as number)) / width);
  }
  return { widths, slopes };
}

export function clippedLogit(p: number): number {
  const clipped = Math.min(Math.max(p, PLATT_CLIP), 1 - PLATT_CLIP);
  return Math.log(clipped) - Math.log(1 - clipped);
}

function fitPlatt(y: ArrayLike<number>, p: ArrayLike<number>): Calibration {
  const scores = Float64Array.from(Array.from(p, clippedLogit));
  const labels = Uint8Array.from(Array.from(y, (label) => (label === 1 ? 1 : 0)));
  const fit = fitLogistic({ rows: scores.length, cols: 1, data: scores }, labels, { l2: 0 });
  if (!fit.converged || !Number.isFinite(fit.weights[0]) || !Number.isFinite(fit.intercept)) {
    throw new InvalidInputError(
      `Platt calibration did not converge on ${y.length} validation rows (the classes may be separated): use 'isotonic' or 'none'`,
    );
  }
  return { method: 'platt', a: fit.weights[0] as number, b: fit.intercept, rows: y.length };
}

interface Block {
  weight: number;
  positives: number;
  minX: number;
  maxX: number;
}

/** Pool adjacent violators over the distinct probabilities (ties pooled first), then one breakpoint per block end. */
function fitIsotonic(y: ArrayLike<number>, p: ArrayLike<number>): Calibration {
  const order = Array.from({ length: p.length }, (_, i) => i).sort((i, j) => (p[i] as number) - (p[j] as number));
  const blocks: Block[] = [];
  for (let k = 0; k < order.length;) {
    const x = p[order[k] as number] as number;
    let weight = 0;
    let positives = 0;
    for (; k < order.length && p[order[k] as number] === x; k++) {
      weight++;
      positives += y[order[k] as number] === 1 ? 1 : 0;
    }
    let block: Block = { weight, positives, minX: x, maxX: x };
    // Merge while the previous block's rate is not below this one's: rates end strictly increasing.
    for (let last = blocks.at(-1); last && last.positives / last.weight >= block.positives / block.weight;) {
      blocks.pop();
      block = {
        weight: last.weight + block.weight,
        positives: last.positives + block.positives,
        minX: last.minX,
        maxX: block.maxX,
      };
      last = blocks.at(-1);
    }
    blocks.push(block);
  }
  const xs: number[] = [];
  const ys: number[] = [];
  for (const block of blocks) {
    const rate = block.positives / block.weight;
    xs.push(block.minX);
    ys.push(rate);
    if (block.maxX > block.minX) {
      xs.push(block.maxX);
      ys.push(rate);
    }
  }
  // A single point is a constant map; a second point one unit to the right keeps the graph's segment arrays non-empty.
  if (xs.length === 1) {
    xs.push((xs[0] as number) + 1);
    ys.push(ys[0] as number);
  }
  return { method: 'isotonic', x: xs, y: ys, rows: y.length };
}
