import { CholeskyDecomposition, LuDecomposition, Matrix as DenseMatrix } from 'ml-matrix';
import type { LogisticModel, Matrix } from './types';

export const DEFAULT_TOLERANCE = 1e-8;
export const DEFAULT_MAX_ITERATIONS = 100;
const MAX_STEP_HALVINGS = 50;
const ARMIJO_FRACTION = 1e-4;

export interface IterationInfo {
  /** Newton steps taken so far (0 is the starting point). */
  iteration: number;
  /** The penalised objective being minimised. */
  loss: number;
  /** Max-abs of the objective's gradient: the convergence criterion. */
  gradientNorm: number;
}

export interface LogisticOptions {
  l2: number;
  maxIterations?: number;
  tolerance?: number;
  onIteration?: (info: IterationInfo) => void;
  /**
   * Weight of each positive and each negative row in the log loss (default 1 and 1). The sum stays
   * divided by the row count, so weights that average 1 over the rows ('balanced') keep l2's scale.
   */
  classWeights?: ClassWeights;
}

export interface ClassWeights {
  positive: number;
  negative: number;
}

export interface LogisticFit extends LogisticModel {
  iterations: number;
  converged: boolean;
  /** Final value of mean log loss + l2/(2n)·||w||². */
  loss: number;
}

/**
 * L2-regularised logistic regression fitted by Newton–Raphson (IRLS) on
 * (1/n)·Σ cᵢ·log lossᵢ + l2/(2n)·||w||², intercept not penalised, cᵢ the row's class weight (1 unless
 * `classWeights` says otherwise). Each step solves H·Δ = g with a
 * Cholesky factorisation (LU if H is numerically not positive definite) and halves the step until
 * the objective decreases; it stops when the gradient's max-abs is below `tolerance`.
 *
 * Parameters are held as one vector `beta`: the weights, then the intercept last.
 */
export function fitLogistic(X: Matrix, y: Uint8Array, options: LogisticOptions): LogisticFit {
  const { l2, maxIterations = DEFAULT_MAX_ITERATIONS, tolerance = DEFAULT_TOLERANCE, onIteration } = options;
  if (y.length !== X.rows) throw new RangeError(`X has ${X.rows} rows but y has ${y.length} labels`);
  if (X.rows === 0) throw new RangeError('Cannot fit a logistic regression on zero rows');
  if (!(l2 >= 0) || !Number.isFinite(l2)) throw new RangeError(`l2 must be a finite number >= 0, got ${l2}`);
  const c = rowWeights(y, options.classWeights);

  let beta = startingPoint(X.cols, y, c);
  let z = linearPredictor(X, beta);
  let loss = objective(z, y, beta, l2, c);
  let iterations = 0;
  let converged = false;
  for (;;) {
    const gradient = objectiveGradient(X, y, z, beta, l2, c);
    const gradientNorm = maxAbs(gradient);
    onIteration?.({ iteration: iterations, loss, gradientNorm });
    if (gradientNorm < tolerance) {
      converged = true;
      break;
    }
    if (iterations >= maxIterations) break;
    const step = solveSymmetric(objectiveHessian(X, z, l2, c), gradient);
    const accepted = lineSearch(X, y, beta, loss, gradient, step, l2, c);
    if (!accepted) break; // no decrease along the Newton direction: numerically stuck (e.g. separable data, l2 = 0)
    ({ beta, z, loss } = accepted);
    iterations++;
  }
  return {
    weights: Array.from(beta.subarray(0, X.cols)),
    intercept: beta[X.cols] as number,
    iterations,
    converged,
    loss,
  };
}

export function predictProba(model: LogisticModel, X: Matrix): Float64Array {
  if (X.cols !== model.weights.length) {
    throw new RangeError(`X has ${X.cols} columns but the model has ${model.weights.length} weights`);
  }
  const z = linearPredictor(X, Float64Array.from([...model.weights, model.intercept]));
  return z.map(sigmoid);
}

/** 1 / (1 + e^-z) without overflow: exp is only ever taken of a non-positive number. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** Per-row class weights, or null for all 1 (the unweighted loops stay as they were). */
function rowWeights(y: Uint8Array, classWeights: ClassWeights | undefined): Float64Array | null {
  if (classWeights === undefined) return null;
  const { positive, negative } = classWeights;
  if (!(positive > 0 && negative > 0 && Number.isFinite(positive) && Number.isFinite(negative))) {
    throw new RangeError(`Class weights must be finite and > 0, got positive ${positive}, negative ${negative}`);
  }
  return Float64Array.from(y, (label) => (label === 1 ? positive : negative));
}

const weightOf = (c: Float64Array | null, i: number): number => (c === null ? 1 : (c[i] as number));

/** Zero weights and the intercept at the log-odds of the (weighted) base rate: optimal for a model with no features. */
function startingPoint(cols: number, y: Uint8Array, c: Float64Array | null): Float64Array {
  const beta = new Float64Array(cols + 1);
  let weighted = 0;
  let total = 0;
  for (let i = 0; i < y.length; i++) {
    weighted += weightOf(c, i) * (y[i] as number);
    total += weightOf(c, i);
  }
  const rate = weighted / total;
  beta[cols] = rate > 0 && rate < 1 ? Math.log(rate / (1 - rate)) : 0;
  return beta;
}

function linearPredictor(X: Matrix, beta: Float64Array): Float64Array {
  const { rows, cols, data } = X;
  const z = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let sum = beta[cols] as number;
    const offset = i * cols;
    for (let j = 0; j < cols; j++) sum += (data[offset + j] as number) * (beta[j] as number);
    z[i] = sum;
  }
  return z;
}

function objective(z: Float64Array, y: Uint8Array, beta: Float64Array, l2: number, c: Float64Array | null): number {
  let sum = 0;
  for (let i = 0; i < z.length; i++) {
    const zi = z[i] as number;
    // log(1 + e^z) - y·z, written so e^z never overflows
    sum += weightOf(c, i) * (Math.log1p(Math.exp(-Math.abs(zi))) + Math.max(zi, 0) - (y[i] as number) * zi);
  }
  let squaredNorm = 0;
  for (let j = 0; j < beta.length - 1; j++) squaredNorm += (beta[j] as number) ** 2;
  return sum / z.length + (l2 / (2 * z.length)) * squaredNorm;
}

function objectiveGradient(
  X: Matrix,
  y: Uint8Array,
  z: Float64Array,
  beta: Float64Array,
  l2: number,
  c: Float64Array | null,
): Float64Array {
  const { rows, cols, data } = X;
  const gradient = new Float64Array(cols + 1);
  for (let i = 0; i < rows; i++) {
    const residual = weightOf(c, i) * (sigmoid(z[i] as number) - (y[i] as number));
    const offset = i * cols;
    for (let j = 0; j < cols; j++) gradient[j] = (gradient[j] as number) + residual * (data[offset + j] as number);
    gradient[cols] = (gradient[cols] as number) + residual;
  }
  for (let j = 0; j < cols; j++) gradient[j] = (gradient[j] as number) / rows + (l2 / rows) * (beta[j] as number);
  gradient[cols] = (gradient[cols] as number) / rows;
  return gradient;
}

/**
 * (1/n)·X̃ᵀWX̃ + (l2/n)·I on the weights, X̃ = [X 1]. Written by hand rather than with ml-matrix
 * products: building W·X̃ as a dense matrix costs an n×d allocation per iteration, and skipping the
 * zero entries of one-hot rows makes this several times faster. Only the upper triangle is
 * accumulated, then mirrored.
 */
function objectiveHessian(X: Matrix, z: Float64Array, l2: number, c: Float64Array | null): Float64Array {
  const { rows, cols, data } = X;
  const size = cols + 1;
  const hessian = new Float64Array(size * size);
  const nonZero = new Int32Array(cols);
  for (let i = 0; i < rows; i++) {
    const p = sigmoid(z[i] as number);
    const w = weightOf(c, i) * p * (1 - p);
    if (w === 0) continue;
    const offset = i * cols;
    let count = 0;
    for (let j = 0; j < cols; j++) if (data[offset + j] !== 0) nonZero[count++] = j;
    for (let a = 0; a < count; a++) {
      const ja = nonZero[a] as number;
      const wx = w * (data[offset + ja] as number);
      const rowStart = ja * size;
      for (let b = a; b < count; b++) {
        const jb = nonZero[b] as number;
        hessian[rowStart + jb] = (hessian[rowStart + jb] as number) + wx * (data[offset + jb] as number);
      }
      hessian[rowStart + cols] = (hessian[rowStart + cols] as number) + wx;
    }
    hessian[cols * size + cols] = (hessian[cols * size + cols] as number) + w;
  }
  for (let r = 0; r < size; r++) {
    for (let c = r; c < size; c++) {
      const value = (hessian[r * size + c] as number) / rows + (r === c && r < cols ? l2 / rows : 0);
      hessian[r * size + c] = value;
      hessian[c * size + r] = value;
    }
  }
  return hessian;
}

function solveSymmetric(matrix: Float64Array, rhs: Float64Array): Float64Array {
  const size = rhs.length;
  const A = DenseMatrix.from1DArray(size, size, matrix);
  const b = DenseMatrix.columnVector(rhs);
  const cholesky = new CholeskyDecomposition(A);
  const solution = cholesky.isPositiveDefinite() ? cholesky.solve(b) : new LuDecomposition(A).solve(b);
  return Float64Array.from(solution.getColumn(0));
}

interface Candidate {
  beta: Float64Array;
  z: Float64Array;
  loss: number;
}

/** Step-halving along -step until the Armijo condition holds; null if no tried step decreases the objective. */
function lineSearch(
  X: Matrix,
  y: Uint8Array,
  beta: Float64Array,
  loss: number,
  gradient: Float64Array,
  step: Float64Array,
  l2: number,
  c: Float64Array | null,
): Candidate | null {
  const slope = -dot(gradient, step);
  if (!Number.isFinite(slope)) return null;
  // Near the optimum the decrease is below the rounding of a mean over n terms; without this slack
  // the last, tiny Newton step that gets the gradient under tolerance would be rejected.
  const roundingSlack = 1e-12 * Math.max(1, Math.abs(loss));
  let t = 1;
  for (let halving = 0; halving <= MAX_STEP_HALVINGS; halving++, t /= 2) {
    const candidate = beta.map((value, j) => value - t * (step[j] as number));
    const z = linearPredictor(X, candidate);
    const candidateLoss = objective(z, y, candidate, l2, c);
    if (candidateLoss <= loss + ARMIJO_FRACTION * t * Math.min(slope, 0) + roundingSlack) {
      return { beta: candidate, z, loss: candidateLoss };
    }
  }
  return null;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

function maxAbs(values: Float64Array): number {
  let max = 0;
  for (const value of values) max = Math.max(max, Math.abs(value));
  return Number.isNaN(max) ? Infinity : max;
}
