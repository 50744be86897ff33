import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { readCsvTable } from '../../data/csv-reader';
import { writeTelcoSample } from '../../data/sample-generator';
import { stratifiedSplit } from '../../models/split';
import { trainGbdtModel } from '../../models/gbdt/train';
import { trainLogisticModel } from '../../models/training';
import { tempHome } from '../helpers/paths';

// Issue 7.2: from about 125,000 rows an argument spread in the split overflowed the call stack.
// 300,000 rows, trained on three columns with one l2 so the test stays a few seconds.

const ROWS = 300_000;
const dir = tempHome('scale');
after(() => rmSync(dir, { recursive: true, force: true }));

describe('training at 300,000 rows', () => {
  test('splits 300,000 labels into disjoint stratified parts covering every row', () => {
    const labels = Uint8Array.from({ length: ROWS }, (_, i) => (i % 4 === 0 ? 1 : 0));
    const split = stratifiedSplit(labels, { train: 0.6, validation: 0.2, test: 0.2 }, 42);
    assert.deepEqual([split.train.length, split.validation.length, split.test.length], [180_000, 60_000, 60_000]);
    const seen = new Uint8Array(ROWS);
    for (const part of [split.train, split.validation, split.test])
      for (const row of part) seen[row] = (seen[row] ?? 0) + 1;
    assert.ok(seen.every((count) => count === 1));
    assert.equal(split.test.filter((row) => labels[row] === 1).length, 15_000);
  });

  test('trains a Telco-shaped file of 300,000 rows and learns the generator signal', async () => {
    const path = join(dir, 'telco-300k.csv');
    await writeTelcoSample(path, { rows: ROWS, seed: 7 });
    const { table, problems } = await readCsvTable(path);
    assert.deepEqual(problems, []);
    assert.equal(table.rowCount, ROWS);
    const result = trainLogisticModel(table, {
      target: 'Churn',
      positiveLabel: 'Yes',
      inputs: [
        { name: 'tenure', kind: 'numeric' },
        { name: 'Contract', kind: 'categorical' },
        { name: 'InternetService', kind: 'categorical' },
      ],
      seed: 42,
      l2Grid: [1],
    });
    assert.equal(result.split.test.length + result.finalRows.length, ROWS);
    assert.equal(result.testProbabilities.length, result.split.test.length);
    assert.ok(result.metrics.rocAuc > 0.75, `ROC AUC ${result.metrics.rocAuc}`);
  });

  test('grows gradient-boosted trees on the same 300,000 rows with one byte per cell and learns the signal', async () => {
    const { table } = await readCsvTable(join(dir, 'telco-300k.csv'));
    const result = trainGbdtModel(table, {
      target: 'Churn',
      positiveLabel: 'Yes',
      inputs: [
        { name: 'tenure', kind: 'numeric' },
        { name: 'MonthlyCharges', kind: 'numeric' },
        { name: 'Contract', kind: 'categorical' },
        { name: 'InternetService', kind: 'categorical' },
      ],
      seed: 42,
      params: { maxIterations: 30 },
    });
    assert.equal(result.testProbabilities.length, result.split.test.length);
    assert.ok(result.model.trees.length > 0);
    assert.ok(result.metrics.rocAuc > 0.75, `ROC AUC ${result.metrics.rocAuc}`);
  });
});
