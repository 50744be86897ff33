import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { readCsvTable } from '../../data/csv-reader';
import { profileTable } from '../../data/profile';
import type { CategoricalProfile, ColumnProfile, NumericProfile, NumericSummary } from '../../data/profile';
import { generateTelcoCsv } from '../../data/sample-generator';
import { inferInputColumns } from '../../data/schema';
import type { InputColumn, RawTable } from '../../models/types';
import { TELCO_CSV } from '../helpers/paths';

function numeric(profiles: ColumnProfile[], name: string): NumericProfile {
  const found = profiles.find((p) => p.name === name);
  assert.equal(found?.kind, 'numeric', name);
  return found;
}

function categorical(profiles: ColumnProfile[], name: string): CategoricalProfile {
  const found = profiles.find((p) => p.name === name);
  assert.equal(found?.kind, 'categorical', name);
  return found;
}

function assertClose(actual: number | undefined, expected: number, tolerance: number, what: string) {
  assert.ok(actual !== undefined && Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);
}

/** Same figures, allowing for floating-point sums taken in a different order. */
function assertSameProfiles(actual: ColumnProfile[], expected: ColumnProfile[]) {
  assert.equal(actual.length, expected.length);
  expected.forEach((want, i) => {
    const got = actual[i] as ColumnProfile;
    const { stats: gotStats, ...gotRest } = got.kind === 'numeric' ? got : { ...got, stats: null };
    const { stats: wantStats, ...wantRest } = want.kind === 'numeric' ? want : { ...want, stats: null };
    assert.deepEqual(gotRest, wantRest);
    if (wantStats === null) return assert.equal(gotStats, null);
    for (const key of Object.keys(wantStats) as (keyof NumericSummary)[]) {
      const value = wantStats[key];
      assertClose(gotStats?.[key], value, 1e-9 * Math.max(1, Math.abs(value)), `${want.name}.${key}`);
    }
  });
}

describe('profileTable', () => {
  let table: RawTable;
  let inputs: InputColumn[];
  before(async () => {
    ({ table } = await readCsvTable(TELCO_CSV));
    ({ inputs } = inferInputColumns(table, { target: 'Churn', idColumn: 'customerID' }));
  });

  test('describes Telco’s numeric columns as pandas does', async () => {
    const profiles = await profileTable(table, inputs);
    assert.deepEqual(
      profiles.map((p) => p.name),
      inputs.map((i) => i.name),
    );
    const tenure = numeric(profiles, 'tenure');
    assert.deepEqual([tenure.missing, tenure.distinct, tenure.rowsProfiled], [0, 73, 7043]);
    assert.deepEqual(
      { min: tenure.stats?.min, max: tenure.stats?.max, p25: tenure.stats?.p25, p50: tenure.stats?.p50 },
      { min: 0, max: 72, p25: 9, p50: 29 },
    );
    assert.equal(tenure.stats?.p75, 55);
    assertClose(tenure.stats?.mean, 32.371149, 1e-6, 'tenure mean');
    assertClose(tenure.stats?.std, 24.559481, 1e-6, 'tenure std');

    const total = numeric(profiles, 'TotalCharges');
    assert.equal(total.missing, 11);
    assertClose(total.stats?.mean, 2283.300441, 1e-6, 'TotalCharges mean');
    assertClose(total.stats?.p50, 1397.475, 1e-9, 'TotalCharges median');
  });

  test('lists the most common levels of a categorical column with their counts', async () => {
    const contract = categorical(await profileTable(table, inputs), 'Contract');
    assert.deepEqual([contract.missing, contract.distinct], [0, 3]);
    assert.deepEqual(contract.topLevels, [
      { value: 'Month-to-month', count: 3875 },
      { value: 'Two year', count: 1695 },
      { value: 'One year', count: 1473 },
    ]);
  });

  test('computes the same figures by hand as with danfojs', async () => {
    const withDanfo = await profileTable(table, inputs);
    const byHand = await profileTable(table, inputs, { maxDanfoRows: 0, sampleRows: Infinity });
    assert.ok(byHand.every((p) => p.rowsProfiled === 7043));
    assertSameProfiles(byHand, withDanfo);
  });

  test('profiles a table over the danfojs limit on a seeded sample', async () => {
    const options = { maxDanfoRows: 1000, sampleRows: 3000 };
    const sampled = await profileTable(table, inputs, { ...options, seed: 1 });
    assert.ok(sampled.every((p) => p.rowsProfiled === 3000));
    assertSameProfiles(await profileTable(table, inputs, { ...options, seed: 1 }), sampled);
    const otherSeed = numeric(await profileTable(table, inputs, { ...options, seed: 2 }), 'MonthlyCharges');
    assert.notEqual(otherSeed.stats?.mean, numeric(sampled, 'MonthlyCharges').stats?.mean);
    // A 3,000-row sample of 7,043 lands near the full mean of 64.76 (std 30.09).
    assertClose(numeric(sampled, 'MonthlyCharges').stats?.mean, 64.76, 2, 'sampled MonthlyCharges mean');
  });

  test('gives no statistics for a numeric column without numbers and keeps numeric-looking levels as text', async () => {
    const odd: RawTable = {
      header: ['empty', 'codes'],
      rowCount: 4,
      columns: { empty: ['', 'NA', '', ''], codes: ['1', '1', 'x', ''] },
    };
    const oddInputs: InputColumn[] = [
      { name: 'empty', kind: 'numeric' },
      { name: 'codes', kind: 'categorical' },
    ];
    for (const options of [{}, { maxDanfoRows: 0 }]) {
      const profiles = await profileTable(odd, oddInputs, options);
      assert.deepEqual(numeric(profiles, 'empty'), {
        name: 'empty',
        kind: 'numeric',
        missing: 4,
        distinct: 0,
        rowsProfiled: 4,
        stats: null,
      });
      const codes = categorical(profiles, 'codes');
      assert.deepEqual([codes.missing, codes.distinct], [1, 2]);
      assert.deepEqual(codes.topLevels, [
        { value: '1', count: 2 },
        { value: 'x', count: 1 },
      ]);
    }
  });

  // danfojs' own median is quadratic on a 0/1 column (48 s at 200,000 rows); profile.ts sorts once instead.
  test('profiles a 0/1 column of 200,000 rows with danfojs', async () => {
    const big = tableFromCsvText(generateTelcoCsv({ rows: 200_000, seed: 4 }));
    const [senior] = await profileTable(big, [{ name: 'SeniorCitizen', kind: 'numeric' }]);
    assert.equal(senior?.rowsProfiled, 200_000);
  });
});

/** A RawTable straight from generated CSV text (it has no quotes), without a file. */
function tableFromCsvText(text: string): RawTable {
  const [header = [], ...rows] = text
    .trimEnd()
    .split('\n')
    .map((line) => line.split(','));
  const columns = Object.fromEntries(header.map((name, j) => [name, rows.map((row) => (row[j] ?? '').trim())]));
  return { header, rowCount: rows.length, columns };
}
