import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { encodeRecords } from '../../../models/features';
import { predictProba } from '../../../models/logistic';
import { rocAuc } from '../../../models/metrics';
import { DEFAULT_ONLINE_OPTIONS, judgePause, judgePublish, ProgressiveTrainer } from '../../../models/online';
import type { FeatureSpec, LogisticModel } from '../../../models/types';
import { batchFit, range, readLabelledCsv, telcoStream, type LabelledStream } from '../../helpers/labelled-stream';
import { TELCO_CSV } from '../../helpers/paths';

/** Feeds `from..to` of the stream to the trainer 1,000 records a call; the progressive probabilities. */
function feed(
  trainer: ProgressiveTrainer,
  stream: LabelledStream,
  serving: { spec: FeatureSpec; model: LogisticModel },
  from: number,
  to: number,
  labelOf: (row: number) => number = (row) => stream.labels[row] as number,
): Float64Array {
  const out = new Float64Array(to - from);
  for (let at = from; at < to; at += 1_000) {
    const rows = range(at, Math.min(at + 1_000, to));
    const records = rows.map((row) => stream.records[row] ?? {});
    const servingP = predictProba(serving.model, encodeRecords(serving.spec, records));
    out.set(trainer.process(records, rows.map(labelOf), servingP).onlineProbabilities, at - from);
  }
  return out;
}

const labelsOf = (stream: LabelledStream, from: number, to: number) => stream.labels.slice(from, to);

describe('on a stream from the training distribution', () => {
  test('the online model on the real Telco records stays within 0.01 ROC AUC of the batch model', async (t) => {
    const telco = await readLabelledCsv(TELCO_CSV);
    const batch = batchFit(telco, range(0, 3_000));
    const trainer = ProgressiveTrainer.warmStart(batch.spec, batch.model);
    const online = feed(trainer, telco, batch, 3_000, 7_043);
    const y = labelsOf(telco, 3_000, 7_043);
    const batchAuc = rocAuc(y, predictProba(batch.model, encodeRecords(batch.spec, telco.records.slice(3_000))));
    const onlineAuc = rocAuc(y, online);
    t.diagnostic(`progressive ROC AUC ${onlineAuc.toFixed(4)}, batch ${batchAuc.toFixed(4)}`);
    assert.ok(Math.abs(onlineAuc - batchAuc) <= 0.01, `online ${onlineAuc} vs batch ${batchAuc}`);
    assert.equal(trainer.learner.recordsLearned, 4_043);
  });

  test('the online model on 30,000 generated customers stays within 0.01 ROC AUC of the batch model', async (t) => {
    const stream = await telcoStream({ rows: 35_000, seed: 31 });
    const batch = batchFit(stream, range(0, 5_000));
    const trainer = ProgressiveTrainer.warmStart(batch.spec, batch.model);
    const online = feed(trainer, stream, batch, 5_000, 35_000);
    const y = labelsOf(stream, 5_000, 35_000);
    const batchAuc = rocAuc(y, predictProba(batch.model, encodeRecords(batch.spec, stream.records.slice(5_000))));
    const onlineAuc = rocAuc(y, online);
    t.diagnostic(`progressive ROC AUC ${onlineAuc.toFixed(4)}, batch ${batchAuc.toFixed(4)}`);
    assert.ok(Math.abs(onlineAuc - batchAuc) <= 0.01, `online ${onlineAuc} vs batch ${batchAuc}`);
    // Learning from the same concept is no reason to stop.
    assert.equal(judgePause(trainer.snapshot()).verdict, false, judgePause(trainer.snapshot()).reason);
  });
});

describe('after a concept change (the same customers, a changed relationship to churn)', () => {
  let stream: LabelledStream;
  let serving: { spec: FeatureSpec; model: LogisticModel };
  let retrained: { spec: FeatureSpec; model: LogisticModel };
  const CHANGE = 15_000;
  const END = 45_000;

  before(async () => {
    stream = await telcoStream({ rows: END, seed: 47, conceptChangeAt: CHANGE });
    serving = batchFit(stream, range(0, 5_000));
    // What a batch retrain on the new concept gives: fitted on other customers of it.
    const fresh = await telcoStream({ rows: 20_000, seed: 48, conceptChangeAt: 0 });
    retrained = batchFit(fresh, range(0, 20_000));
  });

  test('progressive ROC AUC recovers toward a batch model retrained on the new concept, and it beats serving', (t) => {
    const trainer = ProgressiveTrainer.warmStart(serving.spec, serving.model);
    const online = feed(trainer, stream, serving, 5_000, END);
    const lastFrom = END - 5_000;
    const y = labelsOf(stream, lastFrom, END);
    const last = (p: ArrayLike<number>) => rocAuc(y, Array.prototype.slice.call(p, p.length - 5_000) as number[]);
    const records = stream.records.slice(lastFrom, END);
    const servingAuc = rocAuc(y, predictProba(serving.model, encodeRecords(serving.spec, records)));
    const retrainedAuc = rocAuc(y, predictProba(retrained.model, encodeRecords(retrained.spec, records)));
    const onlineAuc = last(online);
    const justAfter = rocAuc(labelsOf(stream, CHANGE, CHANGE + 2_000), online.slice(CHANGE - 5_000, CHANGE - 3_000));
    t.diagnostic(
      `last 5,000: online ${onlineAuc.toFixed(4)}, retrained ${retrainedAuc.toFixed(4)}, serving ${servingAuc.toFixed(4)}; ` +
        `first 2,000 after the change: online ${justAfter.toFixed(4)}`,
    );
    assert.ok(onlineAuc >= retrainedAuc - 0.02, `online ${onlineAuc} vs retrained ${retrainedAuc}`);
    assert.ok(onlineAuc >= servingAuc + 0.08, `online ${onlineAuc} vs serving ${servingAuc}`);
    assert.ok(onlineAuc >= justAfter + 0.05, `recovered from ${justAfter} to ${onlineAuc}`);
    const publish = judgePublish(trainer.snapshot());
    assert.equal(publish.verdict, true, publish.reason);
    assert.match(publish.reason, /^beats serving: online log loss 0\.\d{4} vs serving 0\.\d{4}, ROC AUC/);
    assert.equal(judgePause(trainer.snapshot()).verdict, false);
  });
});

describe('a poisoned burst (every label flipped)', () => {
  let stream: LabelledStream;
  let serving: { spec: FeatureSpec; model: LogisticModel };

  before(async () => {
    stream = await telcoStream({ rows: 12_000, seed: 53 });
    serving = batchFit(stream, range(0, 5_000));
  });

  const distance = (a: LogisticModel, b: LogisticModel) =>
    Math.hypot(...a.weights.map((w, j) => w - (b.weights[j] as number)), a.intercept - b.intercept);

  for (const maxStepNorm of [DEFAULT_ONLINE_OPTIONS.maxStepNorm, 0.01]) {
    test(`moves the coefficients at most maxStepNorm (${maxStepNorm}) per update, and pauses learning`, () => {
      const trainer = ProgressiveTrainer.warmStart(serving.spec, serving.model, { maxStepNorm, windowSize: 1_000 });
      feed(trainer, stream, serving, 5_000, 8_000);
      assert.equal(judgePause(trainer.snapshot()).verdict, false, 'clean labels pause nothing');
      const before = trainer.learner.model();
      const updatesBefore = trainer.learner.updateCount;
      const flipped = (row: number) => 1 - (stream.labels[row] as number);
      feed(trainer, stream, serving, 8_000, 9_600, flipped);
      const updates = trainer.learner.updateCount - updatesBefore;
      // 1,000 + 600 records in mini-batches of 16: a call's trailing partial batch is its own update.
      assert.equal(updates, 63 + 38);
      const moved = distance(trainer.learner.model(), before);
      assert.ok(moved <= updates * maxStepNorm + 1e-12, `moved ${moved} in ${updates} updates`);
      assert.ok(moved > 0);

      const pause = judgePause(trainer.snapshot());
      assert.equal(pause.verdict, true, pause.reason);
      assert.match(pause.reason, /contradict the serving version \(its ROC AUC on them is 0\.\d{4}, below 0\.5\)/);
      const publish = judgePublish(trainer.snapshot());
      assert.equal(publish.verdict, false);
      assert.equal(publish.reason, pause.reason);
    });
  }

  test('each update of the burst hits its bound, and one update stays within it', () => {
    const trainer = ProgressiveTrainer.warmStart(serving.spec, serving.model, { maxStepNorm: 0.01 });
    const rows = range(8_000, 8_016);
    const records = rows.map((row) => stream.records[row] ?? {});
    const report = trainer.process(
      records,
      rows.map((row) => 1 - (stream.labels[row] as number)),
      predictProba(serving.model, encodeRecords(serving.spec, records)),
    );
    assert.equal(report.updates, 1);
    assert.equal(report.clippedUpdates, 1);
    assert.ok(Math.abs(report.largestStep - 0.01) < 1e-12, `step ${report.largestStep}`);
  });
});
