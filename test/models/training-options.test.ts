import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readCsvTable } from '../../data/csv-reader';
import { trainLogisticModel } from '../../models/training';
import type { TrainOptions } from '../../models/training';
import type { InputColumn, RawTable } from '../../models/types';
import { TELCO_CSV } from '../helpers/paths';

const NUMERIC_COLUMNS = new Set(['SeniorCitizen', 'tenure', 'MonthlyCharges', 'TotalCharges']);

function telcoOptions(table: RawTable): TrainOptions {
  const inputs: InputColumn[] = table.header
    .filter((name) => name !== 'customerID' && name !== 'Churn')
    .map((name) => ({ name, kind: NUMERIC_COLUMNS.has(name) ? 'numeric' : 'categorical' }));
  return { target: 'Churn', positiveLabel: 'Yes', inputs, seed: 42 };
}

describe('training options on the Telco data: class weights, calibration, threshold objective', async () => {
  const { table } = await readCsvTable(TELCO_CSV);
  const options = telcoOptions(table);
  const plain = trainLogisticModel(table, options);
  const balanced = trainLogisticModel(table, { ...options, classWeights: 'balanced' });
  const calibrated = trainLogisticModel(table, { ...options, classWeights: 'balanced', calibration: 'platt' });

  test('without options, training records the F1 objective, no weights and no calibration', () => {
    assert.deepEqual(plain.params.thresholdObjective, { metric: 'f1' });
    assert.equal(plain.params.classWeights, null);
    assert.deepEqual(plain.params.calibration, { method: 'none' });
    assert.equal(plain.calibration, undefined);
    assert.equal(plain.params.threshold, plain.threshold);
    assert.ok(typeof plain.metrics.ece === 'number' && plain.metrics.reliability?.length === 10);
  });

  test("'balanced' weighs each class by rows / (2 · its rows) and pushes the probabilities up (churn is the minority)", () => {
    const weights = balanced.params.classWeights as { requested: string; positive: number; negative: number };
    const rows = balanced.finalRows.length;
    const positives = balanced.finalRows.filter((row) => table.columns.Churn?.[row] === 'Yes').length;
    assert.equal(weights.requested, 'balanced');
    assert.ok(Math.abs(weights.positive - rows / (2 * positives)) < 1e-12);
    assert.ok(Math.abs(weights.negative - rows / (2 * (rows - positives))) < 1e-12);
    const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;
    assert.ok(mean(balanced.testProbabilities) > mean(plain.testProbabilities) + 0.1);
    // Over-predicting churn shows in the calibration error.
    assert.ok((balanced.metrics.ece as number) > (plain.metrics.ece as number) + 0.1, `ECE ${balanced.metrics.ece}`);
  });

  test('Platt calibration fitted on the validation rows brings the weighted model back to calibrated test probabilities', (t) => {
    assert.equal(calibrated.calibration?.method, 'platt');
    assert.equal(calibrated.calibration.rows, calibrated.split.validation.length);
    const recorded = calibrated.params.calibration as { method: string; fittedOn: string; uncalibratedTestEce: number };
    assert.equal(recorded.fittedOn, 'validation');
    assert.ok(Math.abs(recorded.uncalibratedTestEce - (balanced.metrics.ece as number)) < 1e-12);
    assert.ok((calibrated.metrics.ece as number) < 0.05, `calibrated test ECE ${calibrated.metrics.ece}`);
    // A monotone map: the ranking, and so the ROC AUC, is unchanged.
    assert.ok(Math.abs(calibrated.metrics.rocAuc - balanced.metrics.rocAuc) < 1e-12);
    t.diagnostic(
      `test ECE: plain ${plain.metrics.ece}, balanced ${balanced.metrics.ece}, balanced + platt ${calibrated.metrics.ece}`,
    );
  });

  test("isotonic calibration also brings the weighted model's test ECE below 0.05", () => {
    const isotonic = trainLogisticModel(table, { ...options, classWeights: 'balanced', calibration: 'isotonic' });
    assert.equal(isotonic.calibration?.method, 'isotonic');
    assert.ok((isotonic.metrics.ece as number) < 0.05, `test ECE ${isotonic.metrics.ece}`);
  });

  test('a target recall chooses the threshold on validation that reaches it, and says so in params', () => {
    const result = trainLogisticModel(table, { ...options, thresholdObjective: { metric: 'recall', target: 0.9 } });
    assert.ok(result.validationMetrics.recall >= 0.9, `validation recall ${result.validationMetrics.recall}`);
    assert.ok(result.threshold < plain.threshold);
    assert.deepEqual(result.params.thresholdObjective, { metric: 'recall', target: 0.9 });
    assert.equal(result.params.thresholdTargetMet, true);
    assert.equal(result.thresholdWarning, undefined);
  });

  test('a target precision of 1 takes a threshold with no false positive on validation, and the most recall of those', () => {
    const result = trainLogisticModel(table, { ...options, thresholdObjective: { metric: 'precision', target: 1 } });
    assert.equal(result.params.thresholdTargetMet, true);
    assert.equal(result.validationMetrics.precision, 1);
    assert.ok(result.threshold > plain.threshold);
  });
});
