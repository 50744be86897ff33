import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readCsvTable } from '../../data/csv-reader';
import type { FeatureSpec, InputColumn, RawTable } from '../../models/types';
import { buildBaseline } from '../../monitoring/baseline';
import type { CategoricalBaseline, NumericBaseline } from '../../monitoring/types';
import { TELCO_CSV } from '../helpers/paths';

const PERFORMANCE = { rocAuc: 0.84, logLoss: 0.42, brier: 0.14, positiveRate: 0.26 };
const OPTIONS = { modelName: 'churn', seed: 1 };

function tableOf(columns: Record<string, string[]>): RawTable {
  const header = Object.keys(columns);
  return { header, rowCount: columns[header[0] as string]?.length ?? 0, columns };
}

function specOf(inputs: InputColumn[]): FeatureSpec {
  return { inputs, numeric: [], categorical: [] };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

function numeric(baseline: ReturnType<typeof buildBaseline>, name: string): NumericBaseline {
  const feature = baseline.features.find((f) => f.name === name);
  assert.ok(feature?.kind === 'numeric', `${name} is numeric`);
  return feature;
}

function categorical(baseline: ReturnType<typeof buildBaseline>, name: string): CategoricalBaseline {
  const feature = baseline.features.find((f) => f.name === name);
  assert.ok(feature?.kind === 'categorical', `${name} is categorical`);
  return feature;
}

describe('buildBaseline', () => {
  const table = tableOf({
    amount: ['1', '2', '', '3', '4', 'abc', '5', '6', '7', '8'],
    plan: ['a', 'b', 'a', '', 'a', 'b', 'a', 'c', 'a', 'b'],
    flag: ['0', '0', '1', '0', '0', '0', '1', '0', '0', '0'],
  });
  const spec = specOf([
    { name: 'amount', kind: 'numeric' },
    { name: 'plan', kind: 'categorical' },
    { name: 'flag', kind: 'numeric' },
  ]);
  const probabilities = range(10).map((i) => i / 10);
  const baseline = buildBaseline(table, spec, range(10), probabilities, PERFORMANCE, { ...OPTIONS, bins: 4 });

  test('summarises a numeric column over its parseable values and counts the rest as missing', () => {
    const amount = numeric(baseline, 'amount');
    assert.equal(amount.count, 10);
    assert.equal(amount.missingShare, 0.2);
    assert.equal(amount.mean, 4.5);
    assert.ok(Math.abs(amount.std - Math.sqrt(5.25)) < 1e-12);
    assert.deepEqual(amount.binEdges, [1, 3, 5, 6, 8]);
    assert.deepEqual(amount.binShares, [2 / 8, 2 / 8, 1 / 8, 3 / 8]);
    assert.deepEqual(amount.sample, [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual([amount.min, amount.max], [1, 8], 'the training range, for out-of-range counts');
  });

  test('gives a 0/1 column one bin per value', () => {
    const flag = numeric(baseline, 'flag');
    assert.deepEqual(flag.binEdges, [0, 1, 1]);
    assert.deepEqual(flag.binShares, [0.8, 0.2]);
  });

  test('keeps the share of every level of a categorical column, blank included', () => {
    const plan = categorical(baseline, 'plan');
    assert.deepEqual(plan.levelShares, { '': 0.1, a: 0.5, b: 0.3, c: 0.1 });
    assert.equal(plan.missingShare, 0.1);
  });

  test('describes the predicted probabilities like a numeric feature', () => {
    assert.equal(baseline.prediction.name, 'prediction');
    assert.equal(baseline.prediction.count, 10);
    assert.ok(Math.abs(baseline.prediction.mean - 0.45) < 1e-12);
    assert.deepEqual(baseline.performance, PERFORMANCE);
    assert.equal(baseline.rows, 10);
    assert.equal(baseline.modelName, 'churn');
  });

  test('uses only the given rows', () => {
    const some = buildBaseline(table, spec, [0, 1, 2], [0.1, 0.2, 0.3], PERFORMANCE, OPTIONS);
    assert.deepEqual(numeric(some, 'amount').sample, [1, 2]);
    assert.deepEqual(categorical(some, 'plan').levelShares, { a: 2 / 3, b: 1 / 3 });
  });

  test('rejects probabilities that do not match the rows and columns that are not in the table', () => {
    assert.throws(
      () => buildBaseline(table, spec, range(10), [0.5], PERFORMANCE, OPTIONS),
      /10 rows but 1 probabilities/,
    );
    const missing = specOf([{ name: 'nope', kind: 'numeric' }]);
    assert.throws(() => buildBaseline(table, missing, range(10), probabilities, PERFORMANCE, OPTIONS), {
      name: 'InvalidInputError',
    });
  });
});

describe('the sample kept for two-sample tests', () => {
  const values = range(20_000).map((i) => String((i * 7919) % 20_000));
  const table = tableOf({ x: values });
  const spec = specOf([{ name: 'x', kind: 'numeric' }]);
  const build = (seed: number, sampleSize?: number) =>
    numeric(
      buildBaseline(table, spec, range(20_000), new Float64Array(20_000), PERFORMANCE, {
        ...OPTIONS,
        seed,
        ...(sampleSize ? { sampleSize } : {}),
      }),
      'x',
    ).sample;

  test('holds 5,000 distinct values of the column by default, sorted', () => {
    const sample = build(1);
    assert.equal(sample.length, 5_000);
    assert.equal(new Set(sample).size, 5_000);
    assert.ok(
      sample.every((x, i) => Number.isInteger(x) && x >= 0 && x < 20_000 && (i === 0 || x > (sample[i - 1] as number))),
    );
  });

  test('is the same for the same seed and differs for another', () => {
    assert.deepEqual(build(3, 100), build(3, 100));
    assert.notDeepEqual(build(3, 100), build(4, 100));
  });

  test('is spread over the whole range, not the first rows', () => {
    const sample = build(5);
    const mean = sample.reduce((sum, x) => sum + x, 0) / sample.length;
    assert.ok(Math.abs(mean - 10_000) < 300, `sample mean ${mean}`);
  });
});

describe('a baseline of the real Telco file', () => {
  test('is well under 500 KB as JSON and survives a JSON round trip', async () => {
    const { table } = await readCsvTable(TELCO_CSV);
    const numericColumns = new Set(['SeniorCitizen', 'tenure', 'MonthlyCharges', 'TotalCharges']);
    const inputs = table.header
      .filter((name) => name !== 'customerID' && name !== 'Churn')
      .map((name): InputColumn => ({ name, kind: numericColumns.has(name) ? 'numeric' : 'categorical' }));
    const rows = range(table.rowCount);
    const probabilities = rows.map((i) => ((i * 7919) % 10_007) / 10_007);
    const baseline = buildBaseline(table, specOf(inputs), rows, probabilities, PERFORMANCE, OPTIONS);
    const json = JSON.stringify(baseline);
    assert.ok(json.length < 250_000, `${json.length} bytes`);
    assert.deepEqual(JSON.parse(json), baseline);
    assert.equal(baseline.features.length, 19);
    // TotalCharges is blank for the 11 customers who have not been billed yet.
    assert.ok(Math.abs(numeric(baseline, 'TotalCharges').missingShare - 11 / 7043) < 1e-12);
  });
});
