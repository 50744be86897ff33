import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { readCsvTable } from '../../data/csv-reader';
import { generateTelcoCsv, TELCO_COLUMNS, writeTelcoSample } from '../../data/sample-generator';
import { validateTable } from '../../data/validate';
import { encodeTable, fitFeatureSpec } from '../../models/features';
import { fitLogistic, predictProba } from '../../models/logistic';
import { rocAuc } from '../../models/metrics';
import { TELCO_CSV, tempHome } from '../helpers/paths';

const dir = tempHome('sample-generator');
after(() => rmSync(dir, { recursive: true, force: true }));

const SAMPLE = generateTelcoCsv({ rows: 5_000, seed: 7 });
/** Generated rows as records (the generator writes no quoted fields, so a split on commas is exact). */
const RECORDS = SAMPLE.trimEnd()
  .split('\n')
  .slice(1)
  .map((line) => Object.fromEntries(line.split(',').map((value, j) => [TELCO_COLUMNS[j] as string, value])));

const YES_NO = /^(Yes|No)$/;
const FORMATS: Record<string, RegExp> = {
  customerID: /^\d{4}-[A-Z]{5}$/,
  gender: /^(Female|Male)$/,
  SeniorCitizen: /^[01]$/,
  Partner: YES_NO,
  Dependents: YES_NO,
  tenure: /^\d+$/,
  PhoneService: YES_NO,
  MultipleLines: /^(Yes|No|No phone service)$/,
  InternetService: /^(DSL|Fiber optic|No)$/,
  Contract: /^(Month-to-month|One year|Two year)$/,
  PaperlessBilling: YES_NO,
  PaymentMethod: /^(Electronic check|Mailed check|Bank transfer \(automatic\)|Credit card \(automatic\))$/,
  MonthlyCharges: /^\d+(\.\d{1,2})?$/,
  TotalCharges: /^(\d+(\.\d{1,2})?| )$/,
  Churn: YES_NO,
};
const INTERNET_OPTIONS = [
  'OnlineSecurity',
  'OnlineBackup',
  'DeviceProtection',
  'TechSupport',
  'StreamingTV',
  'StreamingMovies',
];

describe('generateTelcoCsv', () => {
  test('writes exactly the Telco header', () => {
    const telcoHeader = readFileSync(TELCO_CSV, 'utf8').split('\n')[0]?.trim();
    assert.equal(SAMPLE.split('\n')[0], telcoHeader);
    assert.equal(TELCO_COLUMNS.join(','), telcoHeader);
  });

  test('gives the same file for a seed and a different one for another seed', () => {
    assert.equal(generateTelcoCsv({ rows: 300, seed: 1 }), generateTelcoCsv({ rows: 300, seed: 1 }));
    assert.notEqual(generateTelcoCsv({ rows: 300, seed: 1 }), generateTelcoCsv({ rows: 300, seed: 2 }));
  });

  test('writes every value in the format of the real file, with unique customer ids', () => {
    assert.equal(RECORDS.length, 5_000);
    for (const record of RECORDS) {
      for (const [column, format] of Object.entries(FORMATS)) {
        assert.match(record[column] ?? '', format, `${column} of ${JSON.stringify(record)}`);
      }
      const option = new RegExp(record.InternetService === 'No' ? '^No internet service$' : '^(Yes|No)$');
      for (const column of INTERNET_OPTIONS) assert.match(record[column] ?? '', option, column);
    }
    assert.equal(new Set(RECORDS.map((r) => r.customerID)).size, RECORDS.length);
  });

  test('keeps the columns consistent with each other as in the real file', () => {
    for (const r of RECORDS) {
      const tenure = Number(r.tenure);
      const monthly = Number(r.MonthlyCharges);
      assert.ok(tenure >= 0 && tenure <= 72, r.tenure);
      assert.equal(r.MultipleLines === 'No phone service', r.PhoneService === 'No');
      assert.ok(monthly >= 18.25 && monthly <= 120, r.MonthlyCharges);
      if (tenure === 0) assert.equal(r.TotalCharges, ' ');
      else assertNear(Number(r.TotalCharges), tenure * monthly, 0.051 * tenure * monthly + 0.01);
    }
    const fibre = RECORDS.filter((r) => r.InternetService === 'Fiber optic');
    const none = RECORDS.filter((r) => r.InternetService === 'No');
    assert.ok(mean(fibre.map((r) => Number(r.MonthlyCharges))) > mean(none.map((r) => Number(r.MonthlyCharges))) + 40);
    assert.ok(
      RECORDS.some((r) => r.tenure === '0'),
      'some customers have just joined',
    );
  });

  test('passes validation with a churn rate near the real 26%', async () => {
    const path = join(dir, 'sample.csv');
    await writeTelcoSample(path, { rows: 5_000, seed: 7 });
    const { table, problems } = await readCsvTable(path);
    const report = validateTable(table, { target: 'Churn', readProblems: problems });
    assert.deepEqual(report.problems, []);
    const churnRate = (report.classCounts.Yes ?? 0) / report.rows;
    assert.ok(churnRate >= 0.2 && churnRate <= 0.32, `churn rate ${churnRate}`);
  });

  test('makes churn learnable: a logistic regression reaches a ROC AUC of about 0.83 on held-out rows', async () => {
    const path = join(dir, 'learnable.csv');
    await writeTelcoSample(path, { rows: 8_000, seed: 21 });
    const { table } = await readCsvTable(path);
    const { inputs } = validateTable(table, { target: 'Churn' });
    const rows = Array.from({ length: table.rowCount }, (_, i) => i);
    const train = rows.filter((i) => i % 4 !== 0);
    const test = rows.filter((i) => i % 4 === 0);
    const labels = (of: number[]) => Uint8Array.from(of, (i) => (table.columns.Churn?.[i] === 'Yes' ? 1 : 0));
    const spec = fitFeatureSpec(table, inputs, train);
    const model = fitLogistic(encodeTable(spec, table, train), labels(train), { l2: 1 });
    const auc = rocAuc(labels(test), predictProba(model, encodeTable(spec, table, test)));
    assert.ok(auc >= 0.78 && auc <= 0.88, `ROC AUC ${auc}`);
  });
});

describe('writeTelcoSample', () => {
  test('streams the same bytes generateTelcoCsv returns', async () => {
    const path = join(dir, 'streamed.csv');
    const options = { rows: 12_000, seed: 5 }; // over 1 MiB: written in several batches
    await writeTelcoSample(path, options);
    assert.equal(readFileSync(path, 'utf8'), generateTelcoCsv(options));
  });

  test('rejects a row count that is not a whole number', async () => {
    await assert.rejects(writeTelcoSample(join(dir, 'bad.csv'), { rows: 1.5, seed: 1 }), RangeError);
  });
});

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function assertNear(actual: number, expected: number, tolerance: number) {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} vs ${expected} ± ${tolerance}`);
}
