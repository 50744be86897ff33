import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import Papa from 'papaparse';
import { fitLogistic } from '../../models/logistic';
import { encodeTable, fitFeatureSpec } from '../../models/features';
import { ConvergenceError, trainLogisticModel } from '../../models/training';
import type { TrainOptions } from '../../models/training';
import type { InputColumn, RawTable } from '../../models/types';

const TELCO_CSV = '/work/shared/data/telco-customer-churn.csv';
const NUMERIC_COLUMNS = new Set(['SeniorCitizen', 'tenure', 'MonthlyCharges', 'TotalCharges']);

function readTelco(): RawTable {
  const parsed = Papa.parse<Record<string, string>>(readFileSync(TELCO_CSV, 'utf8'), {
    header: true,
    skipEmptyLines: true,
  });
  const header = parsed.meta.fields ?? [];
  const columns = Object.fromEntries(
    header.map((name) => [name, parsed.data.map((row) => ((row[name] ?? '').trim() === '' ? '' : (row[name] ?? '')))]),
  );
  return { header, rowCount: parsed.data.length, columns };
}

function telcoInputs(table: RawTable): InputColumn[] {
  return table.header
    .filter((name) => name !== 'customerID' && name !== 'Churn')
    .map((name) => ({ name, kind: NUMERIC_COLUMNS.has(name) ? 'numeric' : 'categorical' }));
}

describe('trainLogisticModel on the Telco churn data', () => {
  const table = readTelco();
  const options: TrainOptions = { target: 'Churn', positiveLabel: 'Yes', inputs: telcoInputs(table), seed: 42 };
  const messages: string[] = [];
  const result = trainLogisticModel(table, { ...options, onProgress: (message) => messages.push(message) });

  test('the data set is read whole, with the blank TotalCharges cells as empty strings', () => {
    assert.equal(table.rowCount, 7043);
    assert.equal(table.header.length, 21);
    assert.equal(table.columns.TotalCharges?.filter((cell) => cell === '').length, 11);
  });

  test('reaches a test ROC AUC of at least 0.83 with a converged model', (t) => {
    assert.equal(result.converged, true);
    assert.ok(result.metrics.rocAuc >= 0.83, `test ROC AUC ${result.metrics.rocAuc}`);
    assert.ok(result.validationMetrics.rocAuc >= 0.8, `validation ROC AUC ${result.validationMetrics.rocAuc}`);
    t.diagnostic(
      `Telco: l2=${result.l2}, threshold=${result.threshold.toFixed(4)}, ` +
        `iterations=${result.iterations}, test ${JSON.stringify({ ...result.metrics, confusion: undefined })}`,
    );
  });

  test('picks the l2 with the lowest validation log loss from the grid', () => {
    const search = result.params.l2Search as { l2: number; validationLogLoss: number }[];
    assert.deepEqual(
      search.map((s) => s.l2),
      [0.01, 0.1, 1, 10, 100],
    );
    const lowest = Math.min(...search.map((s) => s.validationLogLoss));
    assert.equal(search.find((s) => s.validationLogLoss === lowest)?.l2, result.l2);
    assert.equal(result.params.solver, 'newton-cholesky');
  });

  test('scores every test row once, with labels and probabilities aligned to the split', () => {
    assert.equal(result.testProbabilities.length, result.split.test.length);
    assert.deepEqual(
      result.testLabels,
      result.split.test.map((row) => (table.columns.Churn?.[row] === 'Yes' ? 1 : 0)),
    );
    assert.equal(result.metrics.rows, result.split.test.length);
    assert.ok(result.testProbabilities.every((p) => p > 0 && p < 1));
  });

  test('the final model is refitted on train + validation, not on train alone', () => {
    const finalRows = [...result.split.train, ...result.split.validation].sort((a, b) => a - b);
    const refit = fitLogistic(
      encodeTable(fitFeatureSpec(table, options.inputs, finalRows), table, finalRows, 'float32'),
      Uint8Array.from(finalRows, (row) => (table.columns.Churn?.[row] === 'Yes' ? 1 : 0)),
      { l2: result.l2 },
    );
    assert.deepEqual(result.model.weights, refit.weights);
    assert.deepEqual(result.spec, fitFeatureSpec(table, options.inputs, finalRows));
  });

  test('reports progress at every stage', () => {
    assert.ok(messages.length >= 5 + 3, messages.join('\n'));
    assert.match(messages[0] ?? '', /^Split 7043 rows/);
    assert.ok(messages.some((m) => m.startsWith('Chose l2=')));
    assert.match(messages.at(-1) ?? '', /^Test ROC AUC/);
  });

  test('gives identical results for the same seed and a different split for another seed', () => {
    const again = trainLogisticModel(table, options);
    assert.deepEqual(again.model, result.model);
    assert.deepEqual(again.split, result.split);
    assert.deepEqual(again.metrics, result.metrics);
    const other = trainLogisticModel(table, { ...options, seed: 7 });
    assert.notDeepEqual(other.split.test, result.split.test);
  });
});

describe('trainLogisticModel failures', () => {
  const table: RawTable = {
    header: ['x', 'y'],
    rowCount: 40,
    columns: {
      x: Array.from({ length: 40 }, (_, i) => String(i)),
      y: Array.from({ length: 40 }, (_, i) => (i >= 20 ? 'Yes' : 'No')),
    },
  };
  const inputs: InputColumn[] = [{ name: 'x', kind: 'numeric' }];

  test('throws instead of returning a model when Newton does not converge', () => {
    assert.throws(
      () => trainLogisticModel(table, { target: 'y', positiveLabel: 'Yes', inputs, seed: 1, maxIterations: 1 }),
      (error: unknown) => error instanceof ConvergenceError && /did not converge/.test(error.message),
    );
  });

  test('rejects a target with a single class', () => {
    assert.throws(
      () => trainLogisticModel(table, { target: 'y', positiveLabel: 'Maybe', inputs, seed: 1 }),
      /only one class/,
    );
  });
});
