import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { TrainedModelFile } from '../../../activities/model-files';
import { InvalidInputError } from '../../../core/errors';
import { encodeRecords } from '../../../models/features';
import { predictProba } from '../../../models/logistic';
import { trainLogisticModel } from '../../../models/training';
import { logisticOf, OnlineLogistic, ProgressiveTrainer } from '../../../models/online';
import { readLabelledCsv, type LabelledStream } from '../../helpers/labelled-stream';
import { TELCO_CSV } from '../../helpers/paths';

describe('warm start from a version trained by the batch pipeline', () => {
  let telco: LabelledStream;
  let trained: TrainedModelFile;

  before(async () => {
    telco = await readLabelledCsv(TELCO_CSV);
    const fit = trainLogisticModel(telco.table, {
      target: 'Churn',
      positiveLabel: 'Yes',
      inputs: telco.inputs,
      seed: 7,
    });
    trained = {
      modelName: 'telco-churn',
      algorithm: 'logistic',
      spec: fit.spec,
      model: fit.model,
      threshold: fit.threshold,
      metrics: fit.metrics,
      validationMetrics: fit.validationMetrics,
      params: fit.params,
    };
  });

  test("before any update the online model's probabilities are the batch model's on every Telco record", () => {
    const { spec, model } = logisticOf(trained);
    const learner = new OnlineLogistic(spec, model);
    const online = learner.predict(telco.records);
    const batch = predictProba(model, encodeRecords(spec, telco.records));
    assert.equal(online.length, 7043);
    let worst = 0;
    online.forEach((p, i) => (worst = Math.max(worst, Math.abs(p - (batch[i] as number)))));
    assert.ok(worst <= 1e-9, `largest difference ${worst}`);
  });

  test('an unseen category and a missing or malformed number encode as the batch model encodes them', () => {
    const { spec, model } = logisticOf(trained);
    const base = telco.records[0] ?? {};
    const odd = [
      { ...base, Contract: 'Three year', PaymentMethod: 'Bitcoin' },
      { ...base, TotalCharges: '', tenure: 'twelve' },
      { ...base, MonthlyCharges: undefined, gender: null },
    ];
    const online = ProgressiveTrainer.warmStart(spec, model).learner.predict(odd);
    const batch = predictProba(model, encodeRecords(spec, odd));
    odd.forEach((_, i) => assert.ok(Math.abs((online[i] as number) - (batch[i] as number)) <= 1e-12));
    // The unseen levels carry no weight, so the score differs from the known record's.
    assert.notEqual(online[0], predictProba(model, encodeRecords(spec, [base]))[0]);
  });

  test('a model file that is not a logistic regression is refused with a typed error', () => {
    const gbdt = { ...trained, algorithm: 'gbdt' } as unknown as TrainedModelFile;
    assert.throws(
      () => logisticOf(gbdt),
      (error: unknown) => {
        assert.ok(error instanceof InvalidInputError);
        assert.match(error.message, /"gbdt"; online training updates logistic regression coefficients only/);
        return true;
      },
    );
  });

  test('coefficients that do not fit the spec are refused before any record is scored', () => {
    const { spec, model } = logisticOf(trained);
    assert.throws(
      () => new OnlineLogistic(spec, { weights: model.weights.slice(1), intercept: model.intercept }),
      new RegExp(`has ${model.weights.length - 1} weights but its spec encodes ${model.weights.length} columns`),
    );
    assert.throws(
      () => new OnlineLogistic(spec, { weights: model.weights, intercept: NaN }),
      new RegExp(`Coefficient ${model.weights.length} of the model is not a finite number`),
    );
  });
});
