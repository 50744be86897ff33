import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';
import { designColumnNames, encodeRecords, encodeTable, fitFeatureSpec, parseNumeric } from '../../models/features';
import type { InputColumn, RawRecord, RawTable } from '../../models/types';

const INPUTS: InputColumn[] = [
  { name: 'plan', kind: 'categorical' },
  { name: 'tenure', kind: 'numeric' },
  { name: 'charges', kind: 'numeric' },
  { name: 'flat', kind: 'numeric' },
];

/** Rows 0–4 are "training"; row 5 holds values never seen in training. */
const TABLE: RawTable = {
  header: ['id', 'plan', 'tenure', 'charges', 'flat'],
  rowCount: 6,
  columns: {
    id: ['a', 'b', 'c', 'd', 'e', 'f'],
    plan: ['monthly', 'yearly', '', 'monthly', 'Two year', 'weekly'],
    tenure: ['1', '4', '10', '', '2', '1000'],
    charges: ['10.5', ' 20 ', '30', '40', 'n/a', ''],
    flat: ['3', '3', '3', '3', '3', '7'],
  },
};
const TRAIN_ROWS = [0, 1, 2, 3, 4];

function row(matrix: { cols: number; data: Float64Array | Float32Array }, index: number): number[] {
  return Array.from(matrix.data.subarray(index * matrix.cols, (index + 1) * matrix.cols));
}

function populationStats(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { mean, std: Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length) };
}

describe('parseNumeric', () => {
  test('passes numbers through and parses trimmed decimal strings', () => {
    assert.equal(parseNumeric(3.25), 3.25);
    assert.equal(parseNumeric(' 29.85 '), 29.85);
    assert.equal(parseNumeric('-1e3'), -1000);
    assert.equal(parseNumeric('.5'), 0.5);
  });

  test('reads blanks, non-numbers and non-finite values as missing', () => {
    for (const value of ['', ' ', 'n/a', '12abc', '0x10', 'Infinity', null, undefined, true, {}, NaN, Infinity]) {
      assert.ok(Number.isNaN(parseNumeric(value)), `${inspect(value)} should be missing`);
    }
  });
});

describe('fitFeatureSpec', () => {
  const spec = fitFeatureSpec(TABLE, INPUTS, TRAIN_ROWS);

  test('imputes the median of the training values, then standardises with population statistics', () => {
    const tenure = spec.numeric.find((f) => f.name === 'tenure');
    // present training values 1, 4, 10, 2 → median 3; after imputation 1, 4, 10, 3, 2
    assert.equal(tenure?.impute, 3);
    const expected = populationStats([1, 4, 10, 3, 2]);
    assert.ok(Math.abs((tenure?.mean ?? NaN) - expected.mean) < 1e-12);
    assert.ok(Math.abs((tenure?.std ?? NaN) - expected.std) < 1e-12);
    const charges = spec.numeric.find((f) => f.name === 'charges');
    assert.equal(charges?.impute, 25); // 10.5, 20, 30, 40 → (20 + 30) / 2
  });

  test('gives a constant column a standard deviation of 1', () => {
    assert.deepEqual(
      spec.numeric.find((f) => f.name === 'flat'),
      { name: 'flat', impute: 3, mean: 3, std: 1 },
    );
  });

  test('uses the sorted distinct training values as levels, blank included only because it occurs', () => {
    assert.deepEqual(spec.categorical, [{ name: 'plan', levels: ['', 'Two year', 'monthly', 'yearly'] }]);
    const withoutBlank = fitFeatureSpec(TABLE, INPUTS, [0, 1, 3]);
    assert.deepEqual(withoutBlank.categorical[0]?.levels, ['monthly', 'yearly']);
  });

  test('keeps the inputs and orders numeric and categorical features as the inputs list them', () => {
    assert.deepEqual(spec.inputs, INPUTS);
    assert.deepEqual(
      spec.numeric.map((f) => f.name),
      ['tenure', 'charges', 'flat'],
    );
    assert.deepEqual(designColumnNames(spec), [
      'tenure',
      'charges',
      'flat',
      'plan=',
      'plan=Two year',
      'plan=monthly',
      'plan=yearly',
    ]);
  });

  test('rejects an input column the table does not have', () => {
    assert.throws(() => fitFeatureSpec(TABLE, [{ name: 'missing', kind: 'numeric' }], TRAIN_ROWS), /"missing"/);
  });
});

describe('encodeTable and encodeRecords', () => {
  const spec = fitFeatureSpec(TABLE, INPUTS, TRAIN_ROWS);
  const [tenure, charges] = spec.numeric;
  const scaled = (feature: typeof tenure, x: number) => (x - (feature?.mean ?? NaN)) / (feature?.std ?? NaN);

  test('puts standardised numerics first, then one-hot levels', () => {
    const matrix = encodeTable(spec, TABLE, [0, 2]);
    assert.equal(matrix.rows, 2);
    assert.equal(matrix.cols, 7);
    assert.deepEqual(row(matrix, 0), [scaled(tenure, 1), scaled(charges, 10.5), 0, 0, 0, 1, 0]);
    assert.deepEqual(row(matrix, 1), [scaled(tenure, 10), scaled(charges, 30), 0, 1, 0, 0, 0]);
  });

  test('imputes missing numerics and leaves an unseen category all zeros', () => {
    const matrix = encodeTable(spec, TABLE, [3, 4, 5]);
    assert.deepEqual(row(matrix, 0).slice(0, 1), [scaled(tenure, 3)]);
    assert.deepEqual(row(matrix, 1).slice(1, 2), [scaled(charges, 25)]);
    assert.deepEqual(row(matrix, 2), [scaled(tenure, 1000), scaled(charges, 25), (7 - 3) / 1, 0, 0, 0, 0]);
  });

  test('encodes client records exactly as the same values read from the table', () => {
    const records: RawRecord[] = [
      { plan: 'monthly', tenure: 1, charges: 10.5, flat: 3 },
      { plan: 'yearly', tenure: '4', charges: 20, flat: '3' },
      { plan: null, tenure: 10, charges: 30, flat: 3 },
      { plan: 'monthly', tenure: null, charges: 40, flat: 3 },
      { plan: 'Two year', tenure: 2, charges: 'n/a', flat: 3 },
      { plan: 'weekly', tenure: 1000, flat: 7, unrelated: 'ignored' },
    ];
    const fromTable = encodeTable(spec, TABLE, [0, 1, 2, 3, 4, 5]);
    const fromRecords = encodeRecords(spec, records);
    assert.equal(fromRecords.cols, fromTable.cols);
    assert.deepEqual(Array.from(fromRecords.data), Array.from(fromTable.data));
  });

  test('reads a categorical number as its CSV text and an object as no level at all', () => {
    const numericPlan = fitFeatureSpec(
      { ...TABLE, columns: { ...TABLE.columns, plan: ['0', '1', '1', '0', '1', '0'] } },
      INPUTS,
      TRAIN_ROWS,
    );
    const matrix = encodeRecords(numericPlan, [
      { plan: 1, tenure: 1, charges: 1, flat: 3 },
      { plan: { level: '1' }, tenure: 1, charges: 1, flat: 3 },
    ]);
    assert.deepEqual(row(matrix, 0).slice(3), [0, 1]);
    assert.deepEqual(row(matrix, 1).slice(3), [0, 0]);
  });

  test('reads a missing categorical value as the blank level', () => {
    const matrix = encodeRecords(spec, [{ tenure: 1, charges: 1, flat: 3 }]);
    assert.deepEqual(row(matrix, 0).slice(3), [1, 0, 0, 0]);
  });
});
