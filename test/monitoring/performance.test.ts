import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { brier, logLoss, rocAuc } from '../../models/metrics';
import { createRng } from '../../models/random';
import { assessPerformance } from '../../monitoring/drift/performance';
import type { LiveWindow } from '../../monitoring/types';

const TRAINING = { rocAuc: 0.84, logLoss: 0.42, brier: 0.14, positiveRate: 0.26 };
const CONFIG = { minLabelled: 200, rocAucMargin: 0.05 };
const SPAN = { from: '2025-03-01T00:00:00.000Z', to: '2025-03-02T00:00:00.000Z' };
const SPANS = { late: 0, predictionSpan: SPAN, labelSpan: SPAN };

function close(actual: number | null, expected: number, tolerance = 1e-12): void {
  assert.ok(
    actual !== null && Math.abs(actual - expected) <= tolerance,
    `${actual} is not within ${tolerance} of ${expected}`,
  );
}

/** Labelled rows whose outcomes follow the probabilities (a calibrated model), or ignore them. */
function labelledRows(n: number, seed: number, informative: boolean): LiveWindow['labelled'] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const probability = rng();
    const label: 0 | 1 = rng() < (informative ? probability : 0.5) ? 1 : 0;
    return { probability, label };
  });
}

describe('assessPerformance', () => {
  test('has nothing to report without labelled rows', () => {
    assert.equal(assessPerformance([], TRAINING, CONFIG, SPANS), null);
  });

  test('reports the same ROC AUC, log loss and Brier score as the training metrics', () => {
    const rows = labelledRows(500, 1, true);
    const y = rows.map((r) => r.label);
    const p = rows.map((r) => r.probability);
    const result = assessPerformance(rows, TRAINING, CONFIG, SPANS);
    close(result?.rocAuc ?? null, rocAuc(y, p));
    close(result?.logLoss ?? null, logLoss(y, p));
    close(result?.brier ?? null, brier(y, p));
    assert.equal(result?.labelled, 500);
    assert.equal(result?.trainingRocAuc, 0.84);
  });

  test('bins predictions into tenths for the reliability curve and weights the calibration error by count', () => {
    const rows: LiveWindow['labelled'] = [
      { probability: 0.05, label: 0 },
      { probability: 0.05, label: 1 },
      { probability: 0.15, label: 0 },
      { probability: 1, label: 1 },
    ];
    const result = assessPerformance(rows, TRAINING, CONFIG, SPANS);
    assert.deepEqual(result?.calibration, [
      { meanPredicted: 0.05, observedRate: 0.5, count: 2 },
      { meanPredicted: 0.15, observedRate: 0, count: 1 },
      { meanPredicted: 1, observedRate: 1, count: 1 },
    ]);
    close(result?.calibrationError ?? null, 0.5 * 0.45 + 0.25 * 0.15);
  });

  test('is close to calibrated when outcomes follow the probabilities', () => {
    const result = assessPerformance(labelledRows(20_000, 2, true), TRAINING, CONFIG, SPANS);
    assert.ok((result?.calibrationError ?? 1) < 0.02, `ECE ${result?.calibrationError}`);
  });

  test('flags concept drift when ROC AUC falls more than the margin below training, naming both figures', () => {
    const result = assessPerformance(labelledRows(1000, 3, false), TRAINING, CONFIG, SPANS);
    assert.equal(result?.drifted, true);
    assert.match(result?.reason ?? '', /ROC AUC fell to 0\.\d{3} on 1,000 labelled rows from 0\.840 at training/);
  });

  test('stays quiet when ROC AUC is within the margin of training', () => {
    const rows = labelledRows(1000, 4, true);
    const auc = rocAuc(
      rows.map((r) => r.label),
      rows.map((r) => r.probability),
    );
    const result = assessPerformance(rows, { ...TRAINING, rocAuc: auc + 0.04 }, CONFIG, SPANS);
    assert.equal(result?.drifted, false);
    assert.match(result?.reason ?? '', /within 0\.050 of training/);
  });

  test('does not judge with too few labels and says how many more are needed', () => {
    const result = assessPerformance(labelledRows(150, 5, false), TRAINING, CONFIG, SPANS);
    assert.equal(result?.drifted, false);
    assert.match(result?.reason ?? '', /50 more labels are needed/);
  });

  test('reports an undefined ROC AUC when only one outcome was seen', () => {
    const rows = labelledRows(300, 6, true).map((r) => ({ ...r, label: 1 as const }));
    const result = assessPerformance(rows, TRAINING, CONFIG, SPANS);
    assert.equal(result?.rocAuc, null);
    assert.equal(result?.drifted, false);
    assert.match(result?.reason ?? '', /undefined/);
  });

  test('leaves out records with an impossible probability and says so', () => {
    const rows: LiveWindow['labelled'] = [
      { probability: 0.2, label: 0 },
      { probability: Number.NaN, label: 1 },
      { probability: 1.5, label: 1 },
    ];
    const result = assessPerformance(rows, TRAINING, CONFIG, SPANS);
    assert.equal(result?.labelled, 1);
    assert.match(result?.reason ?? '', /2 feedback records/);
  });
});
