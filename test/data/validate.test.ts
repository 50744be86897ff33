import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { readCsvTable } from '../../data/csv-reader';
import { generateTelcoCsv } from '../../data/sample-generator';
import { validateTable } from '../../data/validate';
import type { ValidateOptions, ValidationReport } from '../../data/validate';
import { validationSummary } from '../../workflows/validation-summary';
import { TELCO_CSV, tempHome } from '../helpers/paths';

const dir = tempHome('validate');
let files = 0;
after(() => rmSync(dir, { recursive: true, force: true }));

/** 200 synthetic Telco rows (no quoted fields, so a split on commas is exact). */
const [HEADER, ...ROWS] = generateTelcoCsv({ rows: 200, seed: 11 })
  .trimEnd()
  .split('\n')
  .map((line) => line.split(','));
const header = HEADER as string[];
const col = (name: string) => header.indexOf(name);

/** Validates a file written from the sample after `edit` changed its rows (data row n is rows[n - 1]). */
async function validateEdited(
  edit: (rows: string[][]) => void,
  options: Partial<ValidateOptions> = {},
  head: string[] = header,
): Promise<ValidationReport> {
  const rows = ROWS.map((row) => [...row]);
  edit(rows);
  const path = join(dir, `file-${++files}.csv`);
  writeFileSync(path, [head, ...rows].map((row) => row.join(',')).join('\n') + '\n');
  return validateFile(path, options);
}

async function validateFile(path: string, options: Partial<ValidateOptions> = {}): Promise<ValidationReport> {
  const { table, problems } = await readCsvTable(path);
  return validateTable(table, { target: 'Churn', readProblems: problems, ...options });
}

function only(report: ValidationReport, code: string) {
  assert.equal(report.ok, false);
  const found = report.problems.filter((p) => p.code === code);
  assert.equal(found.length, 1, `${code} in ${JSON.stringify(report.problems)}`);
  return found[0] as NonNullable<(typeof found)[0]>;
}

describe('validateTable', () => {
  test('passes the Telco file with its class counts and 11 missing TotalCharges to impute', async () => {
    const report = await validateFile(TELCO_CSV);
    assert.deepEqual(report.problems, []);
    assert.equal(report.ok, true);
    assert.equal(report.rows, 7043);
    assert.deepEqual(report.classCounts, { No: 5174, Yes: 1869 });
    assert.equal(report.positiveLabel, 'Yes');
    assert.equal(report.negativeLabel, 'No');
    assert.equal(report.idColumn, 'customerID');
    assert.equal(report.inputs.length, 19);
    assert.deepEqual(report.missing, [{ column: 'TotalCharges', count: 11, exampleRow: 489 }]);
  });

  test('counts blank numeric cells as missing values to impute, not as problems', async () => {
    const report = await validateEdited((rows) => {
      for (const r of [4, 9]) (rows[r - 1] as string[])[col('tenure')] = '';
    });
    assert.equal(report.ok, true, JSON.stringify(report.problems));
    assert.deepEqual(
      report.missing.find((m) => m.column === 'tenure'),
      { column: 'tenure', count: 2, exampleRow: 4 },
    );
  });

  test('counts blank category cells apart from the imputed numbers, and says so in the step summary', async () => {
    const report = await validateEdited((rows) => {
      (rows[2] as string[])[col('Contract')] = '';
      (rows[6] as string[])[col('Contract')] = 'NA';
      (rows[7] as string[])[col('gender')] = '';
      (rows[8] as string[])[col('tenure')] = '';
    });
    assert.equal(report.ok, true, JSON.stringify(report.problems));
    assert.deepEqual(report.categoryBlanks, [
      { column: 'gender', count: 1, exampleRow: 8 },
      { column: 'Contract', count: 2, exampleRow: 3 },
    ]);
    assert.equal(
      validationSummary(report),
      `200 rows, 19 features, ${report.missing.reduce((n, m) => n + m.count, 0)} blanks imputed, 3 category blanks kept as a level of their own`,
    );
    const telco = await validateFile(TELCO_CSV);
    assert.deepEqual(telco.categoryBlanks, []);
    assert.equal(
      validationSummary({ ...telco, categoryBlanks: undefined }),
      '7043 rows, 19 features, 11 blanks imputed, 0 category blanks kept as a level of their own',
      'a run recorded before category blanks were counted',
    );
  });

  test('reports a missing target column, the column it probably meant and the first columns it found', async () => {
    const report = await validateEdited(() => {}, { target: 'Churned' });
    const problem = only(report, 'missing-target');
    assert.equal(problem.column, 'Churned');
    assert.match(problem.message, /Did you mean 'Churn'\?/);
    assert.match(problem.message, /Columns found: 'customerID', 'gender'.* and 8 more\./);
  });

  test('reports rows with a blank target', async () => {
    const report = await validateEdited((rows) => ((rows[6] as string[])[col('Churn')] = ''));
    const problem = only(report, 'blank-target');
    assert.deepEqual([problem.column, problem.row, problem.count], ['Churn', 7, 1]);
  });

  test('reports a target with more than two values, listing them and the row of the third', async () => {
    const report = await validateEdited((rows) => ((rows[4] as string[])[col('Churn')] = 'Maybe'));
    const problem = only(report, 'target-not-binary');
    assert.deepEqual([problem.column, problem.row, problem.count], ['Churn', 5, 3]);
    assert.match(problem.message, /'Maybe'/);
    assert.match(problem.message, /'Yes'/);
  });

  test('reports a class with fewer rows than the minimum', async () => {
    const report = await validateEdited((rows) =>
      rows.forEach((row, i) => (row[col('Churn')] = [10, 20, 30].includes(i + 1) ? 'Yes' : 'No')),
    );
    const problem = only(report, 'too-few-rows-per-class');
    assert.deepEqual([problem.column, problem.row, problem.count], ['Churn', 10, 3]);
    assert.match(problem.message, /'Yes'.*only 3 rows.*at least 20/);
    assert.deepEqual(report.classCounts, { No: 197, Yes: 3 });
  });

  test('applies minRowsPerClass to each class', async () => {
    const report = await validateEdited(() => {}, { minRowsPerClass: 100 });
    const counts = report.classCounts;
    assert.ok((counts.No ?? 0) >= 100 && (counts.Yes ?? 0) < 100, JSON.stringify(counts));
    const problem = only(report, 'too-few-rows-per-class'); // the churners fall short, the others do not
    assert.match(problem.message, /'Yes'.*at least 100/);
  });

  test('reports duplicate ids with the first repeated row and value', async () => {
    const id = (ROWS[2] as string[])[0] as string;
    const report = await validateEdited((rows) => ((rows[49] as string[])[0] = id));
    const problem = only(report, 'duplicate-id');
    assert.deepEqual([problem.column, problem.row, problem.count], ['customerID', 50, 1]);
    assert.match(problem.message, new RegExp(`row 50, '${id}' as in row 3`));
  });

  test('reports a column with a single value and a column blank in every row as constant', async () => {
    const report = await validateEdited((rows) =>
      rows.forEach((row) => {
        row[col('gender')] = 'Female';
        row[col('Partner')] = '';
      }),
    );
    const constant = report.problems.filter((p) => p.code === 'constant-column');
    assert.deepEqual(
      constant.map((p) => p.column),
      ['gender', 'Partner'],
    );
    assert.match(constant[0]?.message ?? '', /same value 'Female' in every row/);
    assert.match(constant[1]?.message ?? '', /blank in every row/);
  });

  test('reports a word in a numeric column as a wrong type at its row', async () => {
    const report = await validateEdited((rows) => ((rows[41] as string[])[col('TotalCharges')] = 'unknown'));
    const problem = only(report, 'wrong-type');
    assert.deepEqual([problem.column, problem.row, problem.count], ['TotalCharges', 42, 1]);
    assert.equal(report.inputs.find((i) => i.name === 'TotalCharges')?.kind, 'numeric');
  });

  test('fails on a malformed row found while reading, leaving it out of the rows', async () => {
    const report = await validateEdited((rows) => (rows[16] as string[]).pop());
    const problem = only(report, 'malformed-row');
    assert.equal(problem.row, 17);
    assert.match(problem.message, /CSV line 18\) has 20 fields, expected 21/);
    assert.equal(report.rows, 199);
  });

  test('fails on an empty file', async () => {
    const path = join(dir, 'empty.csv');
    writeFileSync(path, '');
    const report = await validateFile(path);
    assert.equal(report.ok, false);
    assert.equal(report.problems[0]?.code, 'empty-file');
    assert.equal(report.rows, 0);
  });

  test('reports no features when only the id and the target are left', async () => {
    const report = await validateEdited(
      (rows) => rows.forEach((row, i) => row.splice(0, row.length, row[0] as string, i % 2 ? 'Yes' : 'No')),
      {},
      ['customerID', 'Churn'],
    );
    assert.deepEqual(
      report.problems.map((p) => p.code),
      ['no-features'],
    );
  });

  test('asks for positiveLabel when it cannot guess it, and uses the one it is given', async () => {
    const relabel = (rows: string[][]) =>
      rows.forEach((row) => (row[col('Churn')] = row[col('Churn')] === 'Yes' ? 'churned' : 'stayed'));
    const guessed = await validateEdited(relabel);
    assert.match(only(guessed, 'positive-label-needed').message, /pass positiveLabel/);

    const given = await validateEdited(relabel, { positiveLabel: 'churned' });
    assert.deepEqual([given.ok, given.positiveLabel, given.negativeLabel], [true, 'churned', 'stayed']);

    const wrong = await validateEdited(relabel, { positiveLabel: 'gone' });
    assert.match(only(wrong, 'unknown-positive-label').message, /'gone' never occurs/);
  });

  test('uses customerID as the id only when the file has it, and reports an id column that is not there', async () => {
    const renamed = header.map((name) => (name === 'customerID' ? 'ref' : name));
    const withoutDefault = await validateEdited(() => {}, {}, renamed);
    assert.equal(withoutDefault.idColumn, null);
    assert.equal(withoutDefault.inputs[0]?.name, 'ref');

    const explicit = await validateEdited(() => {}, { idColumn: 'ref' }, renamed);
    assert.deepEqual([explicit.ok, explicit.idColumn], [true, 'ref']);

    const absent = await validateEdited(() => {}, { idColumn: 'nope' });
    assert.equal(only(absent, 'missing-id-column').column, 'nope');
  });

  test('names only the decimal commas of a semicolon file, not the hundreds of "categories" they would make', async () => {
    // As a spreadsheet saves Telco: semicolons, and every amount a distinct text value once read.
    const rows = generateTelcoCsv({ rows: 1_500, seed: 12 })
      .trimEnd()
      .split('\n')
      .map((line, i) => {
        const cells = line.split(',');
        if (i > 0)
          for (const c of [col('MonthlyCharges'), col('TotalCharges')]) cells[c] = (cells[c] ?? '').replace('.', ',');
        return cells.join(';');
      });
    const path = join(dir, `file-${++files}.csv`);
    writeFileSync(path, rows.join('\n') + '\n');
    const report = await validateFile(path);
    assert.deepEqual(
      report.problems.map((p) => `${p.code} ${p.column ?? ''}`),
      ['decimal-comma MonthlyCharges', 'decimal-comma TotalCharges'],
    );
  });
});
