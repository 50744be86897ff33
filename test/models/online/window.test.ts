import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRng } from '../../../models/random';
import { logLoss, rocAuc } from '../../../models/metrics';
import { expectedCalibrationError, ProgressiveWindow } from '../../../models/online';

/** ECE by its definition, bin by bin, to check the one-pass formula against. */
function bruteForceEce(y: number[], p: number[], bins = 10): number {
  let total = 0;
  for (let b = 0; b < bins; b++) {
    const members = p
      .map((q, i) => ({ q, y: y[i] as number }))
      .filter(({ q }) => Math.min(bins - 1, Math.floor(q * bins)) === b);
    if (members.length === 0) continue;
    const meanP = members.reduce((s, m) => s + m.q, 0) / members.length;
    const rate = members.reduce((s, m) => s + m.y, 0) / members.length;
    total += (members.length / p.length) * Math.abs(meanP - rate);
  }
  return total;
}

function draws(n: number, seed: number): { y: number[]; online: number[]; serving: number[] } {
  const rng = createRng(seed);
  const online: number[] = [];
  const serving: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const truth = rng();
    y.push(rng() < truth ? 1 : 0);
    online.push(Math.min(1, Math.max(0, truth + (rng() - 0.5) * 0.3)));
    serving.push(i % 7 === 0 ? 1 : rng());
  }
  return { y, online, serving };
}

describe('the progressive window', () => {
  test('keeps exactly the last N records and computes every figure over exactly those', () => {
    const { y, online, serving } = draws(2_345, 3);
    const window = new ProgressiveWindow(1_000);
    y.forEach((label, i) => window.add(label, online[i] as number, serving[i] as number));
    const last = (values: number[]) => values.slice(-1_000);
    const snapshot = window.snapshot();
    assert.equal(snapshot.records, 1_000);
    assert.equal(
      snapshot.positives,
      last(y).reduce((s, v) => s + v, 0),
    );
    assert.equal(snapshot.online.rocAuc, rocAuc(last(y), last(online)));
    assert.equal(snapshot.serving.logLoss, logLoss(last(y), last(serving)));
    assert.ok(Math.abs((snapshot.online.ece ?? NaN) - bruteForceEce(last(y), last(online))) < 1e-12);
    assert.ok(Math.abs((snapshot.serving.ece ?? NaN) - bruteForceEce(last(y), last(serving))) < 1e-12);
    const meanServing = last(serving).reduce((s, v) => s + v, 0) / 1_000;
    assert.ok(Math.abs((snapshot.serving.meanPredicted ?? NaN) - meanServing) < 1e-12);
    assert.deepEqual(ProgressiveWindow.fromState(window.toState()).snapshot(), snapshot);
  });

  test('before it is full it holds the records so far, oldest first', () => {
    const window = new ProgressiveWindow(5);
    window.add(1, 0.9, 0.8);
    window.add(0, 0.2, 0.1);
    assert.deepEqual(window.toState(), { size: 5, labels: [1, 0], online: [0.9, 0.2], serving: [0.8, 0.1] });
    for (const p of [0.3, 0.4, 0.5, 0.6]) window.add(0, p, p);
    assert.deepEqual(window.toState().online, [0.2, 0.3, 0.4, 0.5, 0.6]);
  });

  test('ECE is 0 for perfectly calibrated bins and the gap when every prediction is off by the same amount', () => {
    assert.equal(expectedCalibrationError([1, 0, 1, 0], [0.5, 0.5, 0.5, 0.5]), 0);
    assert.ok(Math.abs(expectedCalibrationError([1, 1, 0, 0], [0.75, 0.75, 0.05, 0.05]) - 0.15) < 1e-12);
    assert.ok(Number.isNaN(expectedCalibrationError([], [])));
  });

  test('refuses a label that is not 0/1 and a probability outside [0, 1], naming it', () => {
    const window = new ProgressiveWindow(3);
    assert.throws(() => window.add(2, 0.5, 0.5), /A label must be 0 or 1, got 2/);
    assert.throws(() => window.add(1, NaN, 0.5), /The online probability must be in \[0, 1\], got NaN/);
    assert.throws(() => window.add(1, 0.5, 1.5), /The serving probability must be in \[0, 1\], got 1.5/);
    assert.equal(window.records, 0);
  });
});
