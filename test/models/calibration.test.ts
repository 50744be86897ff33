import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyCalibration, clippedLogit, fitCalibration } from '../../models/calibration';
import type { Calibration } from '../../models/calibration';
import { encodeRecords } from '../../models/features';
import { predictProba } from '../../models/logistic';
import { exportLogisticToOnnx } from '../../models/onnx-export';
import { OnnxScorer } from '../../models/onnx-scorer';
import { createRng } from '../../models/random';
import type { FeatureSpec } from '../../models/types';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Scores whose true probability is sigmoid(a·logit(score) + b): an over- or under-confident model. */
function distorted(n: number, a: number, b: number, seed: number): { p: number[]; y: number[] } {
  const rng = createRng(seed);
  const p = Array.from({ length: n }, () => 0.02 + 0.96 * rng());
  const y = p.map((score) => (rng() < sigmoid(a * clippedLogit(score) + b) ? 1 : 0));
  return { p, y };
}

describe('Platt calibration', () => {
  test('recovers the a and b the labels were drawn with', () => {
    const { p, y } = distorted(40_000, 0.5, -0.4, 3);
    const fitted = fitCalibration('platt', y, p);
    assert.equal(fitted?.method, 'platt');
    if (fitted?.method !== 'platt') return;
    assert.ok(Math.abs(fitted.a - 0.5) < 0.05, `a = ${fitted.a}`);
    assert.ok(Math.abs(fitted.b + 0.4) < 0.05, `b = ${fitted.b}`);
    assert.equal(fitted.rows, 40_000);
  });

  test('maps 0 and 1 to finite probabilities through the clipped logit', () => {
    const calibration: Calibration = { method: 'platt', a: 0.5, b: 0, rows: 1 };
    const [low, high] = applyCalibration(calibration, [0, 1]);
    assert.ok((low as number) > 0 && (high as number) < 1, `${low}, ${high}`);
  });
});

describe('isotonic calibration', () => {
  test('pools adjacent violators: a hand-worked example gives block rates at the block ends', () => {
    // Sorted scores with labels 1, 0 | 1 | 0, 0 | 1: the first two pool to 0.5, then 1 > 0.5 stays,
    // then 0, 0 pools back with 1 to 1/3 and on with the first block to 2/5, last 1 stays.
    const p = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
    const y = [1, 0, 1, 0, 0, 1];
    const fitted = fitCalibration('isotonic', y, p);
    assert.deepEqual(fitted, { method: 'isotonic', x: [0.1, 0.5, 0.6], y: [0.4, 0.4, 1], rows: 6 });
    // Flat up to 0.5, linear to 1 at 0.6, flat after; and flat before 0.1.
    const out = applyCalibration(fitted, [0, 0.3, 0.55, 0.9]);
    [0.4, 0.4, 0.7, 1].forEach((want, i) => assert.ok(Math.abs((out[i] as number) - want) < 1e-12, `${out[i]}`));
  });

  test('pools tied scores before fitting, and is non-decreasing with rates that average the labels', () => {
    const rng = createRng(9);
    const p = Array.from({ length: 5_000 }, () => Math.round(rng() * 50) / 50);
    const y = p.map((score) => (rng() < score * score ? 1 : 0));
    const fitted = fitCalibration('isotonic', y, p);
    assert.equal(fitted?.method, 'isotonic');
    if (fitted?.method !== 'isotonic') return;
    for (let k = 1; k < fitted.x.length; k++) {
      assert.ok((fitted.x[k] as number) > (fitted.x[k - 1] as number), 'breakpoints strictly increase');
      assert.ok((fitted.y[k] as number) >= (fitted.y[k - 1] as number), 'values never decrease');
    }
    // On its own fitting rows, PAV keeps the total: mean calibrated probability = positive rate.
    const calibrated = applyCalibration(fitted, p);
    const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;
    assert.ok(Math.abs(mean(calibrated) - mean(y)) < 1e-12, `${mean(calibrated)} vs ${mean(y)}`);
  });

  test('a constant map still has one segment', () => {
    const fitted = fitCalibration('isotonic', [1, 0], [0.3, 0.3]);
    assert.deepEqual(applyCalibration(fitted, [0, 0.3, 1]), [0.5, 0.5, 0.5]);
  });
});

describe('calibration inside the ONNX graph', () => {
  // Two numerics and a category: the calibration follows the model's own probability.
  const spec: FeatureSpec = {
    inputs: [
      { name: 'x1', kind: 'numeric' },
      { name: 'x2', kind: 'numeric' },
      { name: 'colour', kind: 'categorical' },
    ],
    numeric: [
      { name: 'x1', impute: 0, mean: 0, std: 1 },
      { name: 'x2', impute: 1, mean: 2, std: 3 },
    ],
    categorical: [{ name: 'colour', levels: ['', 'blue', 'red'] }],
  };
  const model = { weights: [2.5, -1.2, 0.1, 0.8, -0.6], intercept: -0.2 };
  const rng = createRng(4);
  const records = Array.from({ length: 2_000 }, () => ({
    x1: 4 * rng() - 2,
    x2: rng() < 0.05 ? null : 10 * rng() - 3,
    colour: ['', 'blue', 'red', 'green'][Math.floor(rng() * 4)],
  }));
  const calibrations: Calibration[] = [
    { method: 'platt', a: 0.7, b: 0.3, rows: 1 },
    { method: 'isotonic', x: [0.05, 0.2, 0.21, 0.6, 0.9], y: [0.01, 0.1, 0.3, 0.35, 0.97], rows: 1 },
  ];

  for (const calibration of calibrations) {
    test(`onnxruntime applies ${calibration.method} calibration as Node does, within 1e-6`, async () => {
      const bytes = exportLogisticToOnnx(spec, model, { modelName: 'm', producerVersion: 'test' }, calibration);
      const uncalibrated = exportLogisticToOnnx(spec, model, { modelName: 'm', producerVersion: 'test' });
      const scorer = await OnnxScorer.fromBytes(bytes);
      const raw = await OnnxScorer.fromBytes(uncalibrated);
      try {
        const rawProbabilities = Array.from(await raw.score(spec.inputs, records));
        const served = await scorer.score(spec.inputs, records);
        const expected = applyCalibration(calibration, predictProba(model, encodeRecords(spec, records)));
        let worst = 0;
        expected.forEach((want, i) => (worst = Math.max(worst, Math.abs(want - (served[i] as number)))));
        assert.ok(worst < 1e-6, `max |diff| ${worst}`);
        assert.ok(
          rawProbabilities.some((p, i) => Math.abs(p - (served[i] as number)) > 0.01),
          'calibration changed nothing',
        );
      } finally {
        await scorer.release();
        await raw.release();
      }
    });
  }
});
