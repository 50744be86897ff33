import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bestF1Threshold, confusionAt } from '../../models/metrics';
import { createRng } from '../../models/random';
import { chooseThreshold } from '../../models/thresholds';

function scores(n: number, seed: number): { y: number[]; p: number[] } {
  const rng = createRng(seed);
  const p = Array.from({ length: n }, () => Math.round(rng() * 200) / 200);
  return { p, y: p.map((score) => (rng() < score ? 1 : 0)) };
}

/** Precision and recall at a threshold, from the confusion matrix. */
function at(y: number[], p: number[], threshold: number): { precision: number; recall: number } {
  const { tp, fp, fn } = confusionAt(y, p, threshold);
  return { precision: tp + fp > 0 ? tp / (tp + fp) : 0, recall: tp / (tp + fn) };
}

describe('chooseThreshold', () => {
  const { y, p } = scores(3_000, 12);
  const distinct = [...new Set(p)];

  test('by default picks the best-F1 threshold, as training always has', () => {
    const choice = chooseThreshold(y, p);
    assert.equal(choice.threshold, bestF1Threshold(y, p));
    assert.deepEqual(choice.objective, { metric: 'f1' });
    assert.equal(choice.targetMet, true);
  });

  test('for a target precision, the lowest threshold that reaches it (no lower one does)', () => {
    const choice = chooseThreshold(y, p, { metric: 'precision', target: 0.8 });
    assert.equal(choice.targetMet, true);
    assert.ok(at(y, p, choice.threshold).precision >= 0.8);
    const lower = distinct.filter((t) => t < choice.threshold && at(y, p, t).precision >= 0.8);
    assert.deepEqual(lower, []);
    assert.deepEqual(at(y, p, choice.threshold), { precision: choice.precision, recall: choice.recall });
  });

  test('for a target recall, the highest threshold that reaches it (no higher one does)', () => {
    const choice = chooseThreshold(y, p, { metric: 'recall', target: 0.7 });
    assert.equal(choice.targetMet, true);
    assert.ok(at(y, p, choice.threshold).recall >= 0.7);
    const higher = distinct.filter((t) => t > choice.threshold && at(y, p, t).recall >= 0.7);
    assert.deepEqual(higher, []);
  });

  test('an unreachable precision takes the most precise threshold and says the target was not met', () => {
    const y2 = [1, 0, 1, 0];
    const p2 = [0.9, 0.9, 0.5, 0.5];
    const choice = chooseThreshold(y2, p2, { metric: 'precision', target: 0.99 });
    assert.equal(choice.targetMet, false);
    // Both thresholds give precision 0.5: the tie goes to the one with more recall.
    assert.equal(choice.threshold, 0.5);
    assert.equal(choice.recall, 1);
  });
});
