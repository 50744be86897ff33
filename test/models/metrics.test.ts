import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  bestF1Threshold,
  brier,
  classificationMetrics,
  confusionAt,
  logLoss,
  prAuc,
  rocAuc,
} from '../../models/metrics';
import { createRng } from '../../models/random';

function close(actual: number, expected: number, tolerance = 1e-12): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);
}

/** Labels and scores rounded to one decimal, so ties are common. */
function randomScores(n: number, seed: number): { y: number[]; p: number[] } {
  const rng = createRng(seed);
  const y = Array.from({ length: n }, () => (rng() < 0.4 ? 1 : 0));
  const p = y.map((label) => Math.round(Math.min(1, rng() * 0.8 + label * 0.3) * 10) / 10);
  return { y, p };
}

/** ROC AUC from its definition: the chance a random positive outscores a random negative, ties half. */
function pairwiseAuc(y: number[], p: number[]): number {
  let wins = 0;
  let pairs = 0;
  y.forEach((yi, i) =>
    y.forEach((yj, j) => {
      if (yi !== 1 || yj !== 0) return;
      pairs++;
      const pi = p[i] as number;
      const pj = p[j] as number;
      wins += pi > pj ? 1 : pi === pj ? 0.5 : 0;
    }),
  );
  return wins / pairs;
}

function f1At(y: number[], p: number[], threshold: number): number {
  const { tp, fp, fn } = confusionAt(y, p, threshold);
  return (2 * tp) / (2 * tp + fp + fn);
}

describe('rocAuc', () => {
  test('matches the scikit-learn documentation example', () => {
    close(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 0.75);
  });

  test('counts a tie between a positive and a negative as half a win', () => {
    close(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9]), 3.5 / 4);
  });

  test('agrees with the pairwise definition on tied random scores', () => {
    const { y, p } = randomScores(300, 1);
    close(rocAuc(y, p), pairwiseAuc(y, p), 1e-12);
  });

  test('is 1 for a perfect ranking, 0 for a reversed one, NaN with one class', () => {
    assert.equal(rocAuc([0, 0, 1], [0.1, 0.2, 0.3]), 1);
    assert.equal(rocAuc([1, 0, 0], [0.9, 0.95, 0.99]), 0);
    assert.ok(Number.isNaN(rocAuc([1, 1], [0.2, 0.7])));
  });
});

describe('prAuc', () => {
  test('matches the scikit-learn average precision example', () => {
    close(prAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 0.5 * 1 + 0.5 * (2 / 3));
  });

  test('treats tied scores as one threshold, without interpolating precision', () => {
    // Thresholds 0.9 (P 1/2, R 1/2), 0.5 (no new recall), 0.3 (P 2/4, R 1).
    close(prAuc([1, 0, 0, 1, 0], [0.9, 0.9, 0.5, 0.3, 0.1]), 0.5 * 0.5 + 0.5 * 0.5);
  });

  test('is NaN when there is no positive label', () => {
    assert.ok(Number.isNaN(prAuc([0, 0], [0.1, 0.2])));
  });
});

describe('logLoss and brier', () => {
  test('averages the negative log-likelihood of the true labels', () => {
    close(logLoss([1, 0], [0.8, 0.3]), -(Math.log(0.8) + Math.log(0.7)) / 2);
  });

  test('clips certain wrong predictions to 1e-15 instead of returning infinity', () => {
    close(logLoss([1], [0]), 15 * Math.LN10, 1e-9);
    close(logLoss([0], [1]), 15 * Math.LN10, 1e-2);
    assert.ok(Number.isFinite(logLoss([0], [1])));
  });

  test('brier is the mean squared error of the probabilities', () => {
    close(brier([1, 0, 1], [0.9, 0.2, 0.4]), (0.01 + 0.04 + 0.36) / 3, 1e-15);
  });

  test('rejects scores and labels of different lengths', () => {
    assert.throws(() => logLoss([1, 0], [0.5]), /2 labels but 1 scores/);
  });
});

describe('confusionAt and classificationMetrics', () => {
  const y = [1, 1, 0, 0, 1];
  const p = [0.9, 0.5, 0.5, 0.1, 0.2];

  test('predicts positive when the score equals the threshold', () => {
    assert.deepEqual(confusionAt(y, p, 0.5), { tp: 2, fp: 1, tn: 1, fn: 1 });
    assert.deepEqual(confusionAt(y, p, 0.50001), { tp: 1, fp: 0, tn: 2, fn: 2 });
  });

  test('derives accuracy, precision, recall and F1 from the confusion matrix', () => {
    const metrics = classificationMetrics(y, p, 0.5);
    close(metrics.accuracy, 3 / 5);
    close(metrics.precision, 2 / 3);
    close(metrics.recall, 2 / 3);
    close(metrics.f1, 2 / 3);
    assert.equal(metrics.rows, 5);
    assert.equal(metrics.positives, 3);
    assert.equal(metrics.threshold, 0.5);
    close(metrics.rocAuc, rocAuc(y, p));
  });

  test('reports zero precision and F1 rather than NaN when nothing is predicted positive', () => {
    const metrics = classificationMetrics(y, p, 2);
    assert.equal(metrics.precision, 0);
    assert.equal(metrics.f1, 0);
  });
});

describe('bestF1Threshold', () => {
  test('picks the score that maximises F1 on a hand-worked example', () => {
    // 0.8 → F1 2/3, 0.4 → 1/2, 0.35 → 4/5, 0.1 → 2/3
    assert.equal(bestF1Threshold([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 0.35);
  });

  test('no observed score gives a higher F1 than the chosen one', () => {
    const { y, p } = randomScores(500, 9);
    const best = f1At(y, p, bestF1Threshold(y, p));
    for (const candidate of new Set(p)) assert.ok(f1At(y, p, candidate) <= best);
  });
});
