import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fitLogistic, predictProba } from '../../models/logistic';
import type { IterationInfo } from '../../models/logistic';
import { createRng } from '../../models/random';
import type { Matrix } from '../../models/types';

function matrixOf(rows: number[][]): Matrix {
  const cols = rows[0]?.length ?? 0;
  return { rows: rows.length, cols, data: Float64Array.from(rows.flat()) };
}

function logit(p: number): number {
  return Math.log(p / (1 - p));
}

/** Draws rows x ~ N(0, I) and labels from the logistic model with the given coefficients. */
function simulate(n: number, weights: number[], intercept: number, seed: number): { X: Matrix; y: Uint8Array } {
  const rng = createRng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const rows = Array.from({ length: n }, () => weights.map(normal));
  const y = Uint8Array.from(rows, (row) => {
    const z = intercept + row.reduce((sum, x, j) => sum + x * (weights[j] as number), 0);
    return rng() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  });
  return { X: matrixOf(rows), y };
}

/** The penalised objective written independently of the implementation, from its definition. */
function objective(X: Matrix, y: Uint8Array, weights: number[], intercept: number, l2: number): number {
  let sum = 0;
  for (let i = 0; i < X.rows; i++) {
    let z = intercept;
    for (let j = 0; j < X.cols; j++) z += (X.data[i * X.cols + j] as number) * (weights[j] as number);
    const p = 1 / (1 + Math.exp(-z));
    sum -= y[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return sum / X.rows + (l2 / (2 * X.rows)) * weights.reduce((s, w) => s + w * w, 0);
}

describe('fitLogistic', () => {
  test('recovers the coefficients that generated synthetic data', () => {
    const truth = { weights: [1.5, -2, 0.5], intercept: -0.3 };
    const { X, y } = simulate(20_000, truth.weights, truth.intercept, 11);
    const fit = fitLogistic(X, y, { l2: 1e-6 });
    assert.equal(fit.converged, true);
    fit.weights.forEach((w, j) => assert.ok(Math.abs(w - (truth.weights[j] as number)) < 0.1, `w${j} = ${w}`));
    assert.ok(Math.abs(fit.intercept - truth.intercept) < 0.1, `intercept = ${fit.intercept}`);
  });

  test('matches the closed-form maximum likelihood for a single binary feature without a penalty', () => {
    // 30% positives where x = 0 and 80% where x = 1: the MLE is the two groups' log-odds.
    const rows = [...Array<number[]>(100).fill([0]), ...Array<number[]>(50).fill([1])];
    const y = Uint8Array.from(rows, (_, i) => (i < 100 ? (i < 30 ? 1 : 0) : i < 140 ? 1 : 0));
    const fit = fitLogistic(matrixOf(rows), y, { l2: 0 });
    assert.equal(fit.converged, true);
    assert.ok(Math.abs(fit.intercept - logit(0.3)) < 1e-9, `intercept ${fit.intercept}`);
    assert.ok(Math.abs((fit.weights[0] as number) - (logit(0.8) - logit(0.3))) < 1e-9, `weight ${fit.weights[0]}`);
  });

  test('stops at a point where the independently computed objective is flat and minimal', () => {
    const { X, y } = simulate(500, [0.8, -0.4, 0.0, 1.2], 0.5, 3);
    const l2 = 5;
    const fit = fitLogistic(X, y, { l2 });
    const at = (weights: number[], intercept: number) => objective(X, y, weights, intercept, l2);
    const h = 1e-5;
    const parameters = [...fit.weights, fit.intercept];
    parameters.forEach((_, k) => {
      const shifted = (delta: number) => parameters.map((value, m) => (m === k ? value + delta : value));
      const plus = shifted(h);
      const minus = shifted(-h);
      const slope = (at(plus.slice(0, -1), plus.at(-1) ?? 0) - at(minus.slice(0, -1), minus.at(-1) ?? 0)) / (2 * h);
      assert.ok(Math.abs(slope) < 1e-6, `d objective / d parameter ${k} = ${slope}`);
      const farther = shifted(0.05);
      assert.ok(at(farther.slice(0, -1), farther.at(-1) ?? 0) > at(fit.weights, fit.intercept));
    });
    assert.ok(Math.abs(fit.loss - at(fit.weights, fit.intercept)) < 1e-12);
  });

  test('splits weight evenly between duplicated columns instead of failing on a singular design', () => {
    const { X: single, y } = simulate(1000, [1], 0, 5);
    const duplicated = matrixOf(Array.from(single.data, (x) => [x, x]));
    const fit = fitLogistic(duplicated, y, { l2: 1 });
    assert.equal(fit.converged, true);
    assert.ok(Math.abs((fit.weights[0] as number) - (fit.weights[1] as number)) < 1e-9, fit.weights.join(', '));
  });

  test('shrinks the weights but never the intercept as l2 grows', () => {
    const { X, y } = simulate(2000, [1, -1], 1, 8);
    const rate = y.reduce((sum, label) => sum + label, 0) / y.length;
    const fit = fitLogistic(X, y, { l2: 1e9 });
    assert.ok(
      fit.weights.every((w) => Math.abs(w) < 1e-5),
      fit.weights.join(', '),
    );
    assert.ok(Math.abs(fit.intercept - logit(rate)) < 1e-4, `intercept ${fit.intercept} vs ${logit(rate)}`);
    const lighter = fitLogistic(X, y, { l2: 1 });
    const heavier = fitLogistic(X, y, { l2: 100 });
    const norm = (w: number[]) => Math.hypot(...w);
    assert.ok(norm(heavier.weights) < norm(lighter.weights));
  });

  test('reports every Newton step with a non-increasing loss and stops below the tolerance', () => {
    const { X, y } = simulate(1000, [2, 1], -1, 13);
    const steps: IterationInfo[] = [];
    const fit = fitLogistic(X, y, { l2: 0.1, tolerance: 1e-10, onIteration: (info) => steps.push(info) });
    assert.equal(steps.length, fit.iterations + 1);
    assert.deepEqual(
      steps.map((s) => s.iteration),
      steps.map((_, i) => i),
    );
    steps.slice(1).forEach((s, i) => assert.ok(s.loss <= (steps[i]?.loss ?? Infinity) + 1e-12));
    assert.ok((steps.at(-1)?.gradientNorm ?? Infinity) < 1e-10);
    assert.ok((steps.at(-2)?.gradientNorm ?? 0) >= 1e-10);
    assert.ok(fit.iterations > 1 && fit.iterations < 20, `${fit.iterations} iterations`);
  });

  test('with class weights, matches the closed-form weighted maximum likelihood: log(c₊·positives / c₋·negatives) per group', () => {
    const rows = [...Array<number[]>(100).fill([0]), ...Array<number[]>(50).fill([1])];
    const y = Uint8Array.from(rows, (_, i) => (i < 100 ? (i < 30 ? 1 : 0) : i < 140 ? 1 : 0));
    const fit = fitLogistic(matrixOf(rows), y, { l2: 0, classWeights: { positive: 3, negative: 0.5 } });
    assert.equal(fit.converged, true);
    const groupLogit = (positives: number, negatives: number) => Math.log((3 * positives) / (0.5 * negatives));
    assert.ok(Math.abs(fit.intercept - groupLogit(30, 70)) < 1e-9, `intercept ${fit.intercept}`);
    const weight = fit.weights[0] as number;
    assert.ok(Math.abs(weight - (groupLogit(40, 10) - groupLogit(30, 70))) < 1e-9, `weight ${weight}`);
  });

  test('a positive class weight of 2 fits the same model as every positive row written twice (no penalty)', () => {
    const { X, y } = simulate(3000, [1, -0.5], -1, 23);
    const weighted = fitLogistic(X, y, { l2: 0, classWeights: { positive: 2, negative: 1 } });
    const rows: number[][] = [];
    const labels: number[] = [];
    for (let i = 0; i < X.rows; i++) {
      const row = Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols));
      for (let copy = 0; copy < (y[i] === 1 ? 2 : 1); copy++) {
        rows.push(row);
        labels.push(y[i] as number);
      }
    }
    const duplicated = fitLogistic(matrixOf(rows), Uint8Array.from(labels), { l2: 0 });
    [...weighted.weights, weighted.intercept].forEach((value, j) => {
      const other = [...duplicated.weights, duplicated.intercept][j] as number;
      assert.ok(Math.abs(value - other) < 1e-8, `parameter ${j}: ${value} vs ${other}`);
    });
  });

  test('refuses a class weight that is not a finite positive number', () => {
    const { X, y } = simulate(100, [1], 0, 3);
    assert.throws(() => fitLogistic(X, y, { l2: 1, classWeights: { positive: 0, negative: 1 } }), /finite and > 0/);
  });

  test('says it has not converged when it runs out of iterations', () => {
    const { X, y } = simulate(1000, [3, -3], 0, 17);
    const fit = fitLogistic(X, y, { l2: 0.01, maxIterations: 1 });
    assert.equal(fit.converged, false);
    assert.equal(fit.iterations, 1);
  });

  test('rejects labels that do not match the rows', () => {
    assert.throws(() => fitLogistic(matrixOf([[1], [2]]), Uint8Array.of(1), { l2: 1 }), /2 rows but y has 1/);
  });
});

describe('predictProba', () => {
  test('applies the sigmoid to the linear predictor', () => {
    const model = { weights: [2, -1], intercept: 0.5 };
    const p = predictProba(
      model,
      matrixOf([
        [1, 1],
        [0, 3],
        [0, 0],
      ]),
    );
    [1.5, -2.5, 0.5].forEach((z, i) => assert.ok(Math.abs((p[i] as number) - 1 / (1 + Math.exp(-z))) < 1e-15));
  });

  test('stays finite and ordered for extreme scores', () => {
    const p = predictProba({ weights: [1000], intercept: 0 }, matrixOf([[1], [-1], [-0.7], [0]]));
    assert.deepEqual(Array.from(p).map(Number.isFinite), [true, true, true, true]);
    assert.equal(p[0], 1);
    assert.ok((p[1] as number) >= 0 && (p[1] as number) < (p[2] as number) && (p[2] as number) > 0);
    assert.equal(p[3], 0.5);
  });

  test('rejects a matrix whose width does not match the model', () => {
    assert.throws(
      () => predictProba({ weights: [1, 2], intercept: 0 }, matrixOf([[1]])),
      /1 columns but the model has 2/,
    );
  });
});
