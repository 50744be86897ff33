import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TrainedModelFile } from '../../../activities/model-files';
import { encodeRecords } from '../../../models/features';
import { predictProba } from '../../../models/logistic';
import { classificationMetrics } from '../../../models/metrics';
import { checkOnnxMatches } from '../../../models/onnx-check';
import { exportLogisticToOnnx } from '../../../models/onnx-export';
import { OnnxScorer } from '../../../models/onnx-scorer';
import { ProgressiveTrainer, toTrainedModelFile } from '../../../models/online';
import { batchFit, range, telcoStream } from '../../helpers/labelled-stream';

describe('an online model as a trained.json', () => {
  test('carries the parent spec and threshold, the online coefficients, and exports to ONNX that reproduces them', async () => {
    const stream = await telcoStream({ rows: 8_000, seed: 71, conceptChangeAt: 4_000 });
    const batch = batchFit(stream, range(0, 3_000));
    const parent: TrainedModelFile = {
      modelName: 'telco-churn',
      algorithm: 'logistic',
      ...batch,
      threshold: 0.31,
      metrics: classificationMetrics([0, 1], [0.2, 0.7], 0.31),
      validationMetrics: classificationMetrics([0, 1], [0.2, 0.7], 0.31),
      params: { l2: 1 },
    };
    const trainer = ProgressiveTrainer.warmStart(batch.spec, batch.model, { windowSize: 1_500 });
    const records = stream.records.slice(3_000, 8_000);
    const labels = stream.labels.slice(3_000, 8_000);
    trainer.process(records, labels, predictProba(batch.model, encodeRecords(batch.spec, records)));

    const file = toTrainedModelFile(parent, trainer, { parentVersion: 4, firstRecord: 1, lastRecord: 5_000 });
    assert.deepEqual(file.spec, parent.spec);
    assert.equal(file.threshold, 0.31);
    assert.deepEqual(file.model, trainer.learner.model());
    assert.notDeepEqual(file.model, parent.model);
    const window = trainer.window.toState();
    assert.equal(file.metrics.rows, 1_500);
    assert.equal(file.metrics.rocAuc, classificationMetrics(window.labels, window.online, 0.31).rocAuc);
    assert.equal(file.params.training, 'online');
    assert.equal(file.params.parentVersion, 4);
    assert.equal(file.params.recordsLearned, 5_000);
    assert.equal(file.params.lastRecord, 5_000);

    const scorer = await OnnxScorer.fromBytes(
      exportLogisticToOnnx(file.spec, file.model, { modelName: file.modelName, producerVersion: '0.1.0' }),
    );
    try {
      const held = stream.records.slice(0, 500);
      const expected = trainer.learner.predict(held);
      const check = await checkOnnxMatches(scorer, file.spec.inputs, held, expected);
      assert.equal(check.rows, 500);
    } finally {
      await scorer.release();
    }
  });
});
