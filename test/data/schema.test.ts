import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readCsvTable } from '../../data/csv-reader';
import { inferInputColumns, isMissingValue } from '../../data/schema';
import type { RawTable } from '../../models/types';
import { TELCO_CSV } from '../helpers/paths';

function tableOf(columns: Record<string, string[]>): RawTable {
  const header = Object.keys(columns);
  return { header, rowCount: columns[header[0] ?? '']?.length ?? 0, columns };
}

/** `count` copies of a value. */
const times = (count: number, value: string) => Array<string>(count).fill(value);

describe('inferInputColumns', () => {
  test('finds Telco’s four numeric columns and leaves out the target and the id', async () => {
    const { table } = await readCsvTable(TELCO_CSV);
    const { inputs, problems } = inferInputColumns(table, { target: 'Churn', idColumn: 'customerID' });
    assert.deepEqual(problems, []);
    assert.deepEqual(
      inputs.map((i) => i.name),
      table.header.slice(1, 20),
    );
    assert.deepEqual(
      inputs.filter((i) => i.kind === 'numeric').map((i) => i.name),
      ['SeniorCitizen', 'tenure', 'MonthlyCharges', 'TotalCharges'],
    );
  });

  test('does not let blanks or missing-value spellings make a numeric column categorical', () => {
    const table = tableOf({ x: ['1', '', 'NaN', 'nan', 'NA', 'N/A', 'null', '2.5', '-3e2'], y: times(9, 'a') });
    const { inputs, problems } = inferInputColumns(table, { target: 'y' });
    assert.deepEqual(inputs, [{ name: 'x', kind: 'numeric' }]);
    assert.deepEqual(problems, []);
  });

  test('reads a column of 95% numbers as numeric and reports each distinct stray value with its first row', () => {
    const cells = [...times(40, '7'), 'oops', ...times(10, '8'), 'oops', 'n.a.', ...times(7, '9')];
    const { inputs, problems } = inferInputColumns(tableOf({ amount: cells, y: times(60, 'a') }), { target: 'y' });
    assert.deepEqual(inputs, [{ name: 'amount', kind: 'numeric' }]);
    assert.deepEqual(
      problems.map(({ code, column, row, count }) => ({ code, column, row, count })),
      [
        { code: 'wrong-type', column: 'amount', row: 41, count: 2 },
        { code: 'wrong-type', column: 'amount', row: 53, count: 1 },
      ],
    );
    assert.match(problems[0]?.message ?? '', /row 41 has 'oops'/);
  });

  test('reads a column under 95% numbers as categorical without problems', () => {
    const cells = [...times(47, '1'), 'a', 'b', 'c']; // 94%
    const { inputs, problems } = inferInputColumns(tableOf({ code: cells, y: times(50, 'a') }), { target: 'y' });
    assert.deepEqual(inputs, [{ name: 'code', kind: 'categorical' }]);
    assert.deepEqual(problems, []);
  });

  test('treats hexadecimal, infinite and blank-only columns as not numeric', () => {
    const table = tableOf({ hex: ['0x1f', '0x20'], inf: ['Infinity', '-Infinity'], blank: ['', ''], y: ['a', 'b'] });
    const { inputs } = inferInputColumns(table, { target: 'y' });
    assert.deepEqual(
      inputs.map((i) => i.kind),
      ['categorical', 'categorical', 'categorical'],
    );
  });
});

describe('isMissingValue', () => {
  test('knows blank and the usual spellings of missing, and nothing else', () => {
    for (const cell of ['', 'NaN', 'nan', 'NA', 'N/A', 'null']) assert.equal(isMissingValue(cell), true, cell);
    for (const cell of ['0', 'No', 'none', 'n/a ', 'Null']) assert.equal(isMissingValue(cell), false, cell);
  });
});
