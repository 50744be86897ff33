import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classificationMetrics } from '../../models/metrics';
import { createRng } from '../../models/random';
import { expectedCalibrationError, reliabilityCurve } from '../../models/reliability';

describe('reliability curve and expected calibration error (10 equal-width bins)', () => {
  test('a hand-worked example: bins hold their rows, empty bins have null means, ECE weighs gaps by count', () => {
    // bin 0: 0.05, 0.05 (one positive); bin 9: 0.95, 1.0 (both positive); bin 5: 0.5 (negative)
    const p = [0.05, 0.05, 0.5, 0.95, 1];
    const y = [1, 0, 0, 1, 1];
    const curve = reliabilityCurve(y, p);
    assert.equal(curve.length, 10);
    assert.deepEqual(
      curve.map((bin) => bin.count),
      [2, 0, 0, 0, 0, 1, 0, 0, 0, 2],
    );
    assert.equal(curve[1]?.meanPredicted, null);
    assert.equal(curve[1]?.observedRate, null);
    assert.equal(curve[0]?.observedRate, 0.5);
    assert.ok(Math.abs((curve[9]?.meanPredicted as number) - 0.975) < 1e-15);
    assert.equal(curve[9]?.upper, 1);
    // (2/5)·|0.05 − 0.5| + (1/5)·|0.5 − 0| + (2/5)·|0.975 − 1|
    const expected = 0.4 * 0.45 + 0.2 * 0.5 + 0.4 * 0.025;
    assert.ok(Math.abs(expectedCalibrationError(curve) - expected) < 1e-15);
  });

  test('equals a brute-force per-bin computation on random scores, and is near 0 for labels drawn from the scores', () => {
    const rng = createRng(7);
    const p = Array.from({ length: 20_000 }, () => rng());
    const y = p.map((score) => (rng() < score ? 1 : 0));
    const metrics = classificationMetrics(y, p, 0.5);
    let bruteForce = 0;
    for (let k = 0; k < 10; k++) {
      const inBin = p
        .map((score, i) => ({ score, label: y[i] as number }))
        .filter(({ score }) => Math.min(Math.floor(score * 10), 9) === k);
      const mean = inBin.reduce((s, r) => s + r.score, 0) / inBin.length;
      const rate = inBin.reduce((s, r) => s + r.label, 0) / inBin.length;
      bruteForce += (inBin.length / p.length) * Math.abs(mean - rate);
    }
    assert.ok(Math.abs((metrics.ece as number) - bruteForce) < 1e-12, `${metrics.ece} vs ${bruteForce}`);
    assert.ok((metrics.ece as number) < 0.02, `ECE ${metrics.ece} of calibrated scores`);
    assert.equal(
      metrics.reliability?.reduce((s, b) => s + b.count, 0),
      20_000,
    );
  });

  test('scores pushed towards the extremes have a large ECE', () => {
    const rng = createRng(8);
    const truth = Array.from({ length: 5_000 }, () => rng());
    const y = truth.map((score) => (rng() < score ? 1 : 0));
    const overconfident = truth.map((score) => (score > 0.5 ? 0.99 : 0.01));
    const metrics = classificationMetrics(y, overconfident, 0.5);
    assert.ok((metrics.ece as number) > 0.2, `ECE ${metrics.ece}`);
  });

  test('refuses a score outside [0, 1], naming it', () => {
    assert.throws(() => reliabilityCurve([1], [1.5]), /Score 0 is 1.5/);
  });
});
