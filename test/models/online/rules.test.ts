import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { judgePause, judgePublish, type ProgressiveSnapshot, type WindowMetrics } from '../../../models/online';

const metrics = (logLoss: number, rocAuc: number): WindowMetrics => ({
  logLoss,
  rocAuc,
  meanPredicted: 0.3,
  ece: 0.02,
});
const snapshot = (online: WindowMetrics, serving: WindowMetrics, records = 1_000): ProgressiveSnapshot => ({
  records,
  windowSize: 2_000,
  observedRate: 0.3,
  positives: records * 0.3,
  online,
  serving,
});

describe('the pause rule', () => {
  test('pauses when the online log loss is worse than serving by more than the margin, saying by how much', () => {
    const verdict = judgePause(snapshot(metrics(0.52, 0.8), metrics(0.45, 0.82)));
    assert.equal(verdict.verdict, true);
    assert.equal(
      verdict.reason,
      "online log loss 0.5200 is 0.0700 above the serving version's 0.4500 over the last 1000 records (allowed 0.05)",
    );
  });

  test('does not pause within the margin, nor before the window holds enough records', () => {
    assert.equal(judgePause(snapshot(metrics(0.49, 0.8), metrics(0.45, 0.82))).verdict, false);
    const early = judgePause(snapshot(metrics(0.9, 0.5), metrics(0.45, 0.82), 499));
    assert.equal(early.verdict, false);
    assert.equal(early.reason, '499 records in the window, fewer than the 500 judged');
    assert.equal(judgePause(snapshot(metrics(0.9, 0.5), metrics(0.45, 0.82), 499), { minRecords: 100 }).verdict, true);
  });

  test('pauses when the labels contradict the serving version, even while the online model looks better on them', () => {
    const verdict = judgePause(snapshot(metrics(0.9, 0.3), metrics(1.4, 0.2)));
    assert.equal(verdict.verdict, true);
    assert.match(
      verdict.reason,
      /^the labels of the last 1000 records contradict the serving version \(its ROC AUC on them is 0\.2000, below 0\.5\)/,
    );
  });
});

describe('the publish rule', () => {
  test('publishes when the online log loss is lower and its ROC AUC not lower beyond the tolerance', () => {
    const verdict = judgePublish(snapshot(metrics(0.5, 0.778), metrics(0.6, 0.78)));
    assert.equal(verdict.verdict, true);
    assert.equal(
      verdict.reason,
      'beats serving: online log loss 0.5000 vs serving 0.6000, ROC AUC 0.7780 vs 0.7800 on the same 1000 records',
    );
  });

  test('does not publish a model that is not better, or whose ROC AUC fell beyond the tolerance', () => {
    const same = judgePublish(snapshot(metrics(0.6, 0.8), metrics(0.6, 0.78)));
    assert.equal(same.verdict, false);
    assert.match(same.reason, /^not better: online log loss 0\.6000 vs serving 0\.6000/);
    const worseAuc = judgePublish(snapshot(metrics(0.5, 0.77), metrics(0.6, 0.78)));
    assert.equal(worseAuc.verdict, false);
    assert.match(worseAuc.reason, /^ROC AUC lower by more than 0\.005: /);
  });

  test('never publishes what the pause rule would stop, nor on a window of one class', () => {
    const poisoned = judgePublish(snapshot(metrics(0.9, 0.3), metrics(1.4, 0.2)));
    assert.equal(poisoned.verdict, false);
    assert.match(poisoned.reason, /contradict the serving version/);
    const oneClass = judgePublish(
      snapshot({ ...metrics(0.1, 0.5), rocAuc: null }, { ...metrics(0.2, 0.5), rocAuc: null }),
    );
    assert.equal(oneClass.verdict, false);
    assert.match(oneClass.reason, /single class/);
  });
});
