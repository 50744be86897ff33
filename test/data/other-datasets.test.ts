import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { readCsvTable } from '../../data/csv-reader';
import { inferInputColumns } from '../../data/schema';
import { trainLogisticModel } from '../../models/training';
import { numericDataset, writeNumericDataset, writeYesNoDataset } from '../helpers/datasets';
import { tempHome } from '../helpers/paths';

// The non-Telco data sets the end-to-end tests use must themselves be what they claim: seeded,
// learnable, and read back by the project's own reader with the intended column kinds.

describe('the non-Telco test data sets', () => {
  const dir = tempHome('datasets');

  test('the same seed gives the same rows, another seed other rows', () => {
    const a = numericDataset({ rows: 50, seed: 3 });
    assert.deepEqual(a.rows, numericDataset({ rows: 50, seed: 3 }).rows);
    assert.notDeepEqual(a.rows, numericDataset({ rows: 50, seed: 4 }).rows);
  });

  for (const [name, write, target, positive] of [
    ['numeric-only with 0/1 labels', writeNumericDataset, 'malignant', '1'],
    ['mixed with yes/no labels', writeYesNoDataset, 'subscribed', 'yes'],
  ] as const) {
    test(`the ${name} set is read back with its target and trains to a useful model`, async () => {
      const path = join(dir, `${target}.csv`);
      write(path, { rows: 3000, seed: 11 });
      const { table, problems } = await readCsvTable(path);
      assert.deepEqual(problems, []);
      assert.equal(table.rowCount, 3000);
      const schema = inferInputColumns(table, {
        target,
        ...(target === 'subscribed' ? { idColumn: 'client_id' } : {}),
      });
      assert.deepEqual(schema.problems, []);
      const inputs = schema.inputs;
      const result = trainLogisticModel(table, { target, positiveLabel: positive, inputs, seed: 42 });
      assert.ok(result.metrics.rocAuc > 0.75, `test ROC AUC ${result.metrics.rocAuc}`);
    });
  }

  test('inverted labels reverse the relationship: a model of the normal data ranks them backwards', () => {
    const normal = numericDataset({ rows: 2000, seed: 5 });
    const inverted = numericDataset({ rows: 2000, seed: 5, relation: 'inverted' });
    assert.deepEqual(normal.records, inverted.records);
    const agree = normal.outcomes.filter((o, i) => o === inverted.outcomes[i]).length / normal.outcomes.length;
    assert.ok(agree < 0.5, `labels agree on ${agree} of rows`);
  });
});
