import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { readCsvTable } from '../../data/csv-reader';
import { DEFAULT_MAX_CATEGORIES, DEFAULT_MAX_FEATURES } from '../../data/feature-bounds';
import { validateTable, type ValidateOptions } from '../../data/validate';
import { writeHighCardinalityCsv, writeTelcoWithColumns, writeWideCsv } from '../helpers/hostile-csv';
import { TELCO_CSV, tempHome } from '../helpers/paths';

const dir = tempHome('feature-bounds');
let files = 0;
after(() => rmSync(dir, { recursive: true, force: true }));
const nextPath = () => join(dir, `file-${++files}.csv`);

async function validate(path: string, options: Partial<ValidateOptions> = {}) {
  const { table, problems } = await readCsvTable(path);
  return validateTable(table, { target: 'Churn', readProblems: problems, ...options });
}

describe('validateTable bounds on the model features', () => {
  test('passes the Telco file well inside the default bounds, with no warnings', async () => {
    const report = await validate(TELCO_CSV);
    assert.equal(report.ok, true, JSON.stringify(report.problems));
    assert.deepEqual(report.warnings, []);
    assert.ok(DEFAULT_MAX_CATEGORIES >= 100 && DEFAULT_MAX_FEATURES >= 100);
  });

  test('refuses the Telco header plus 1,980 numeric columns as too many features, naming the widest columns', async () => {
    const path = nextPath();
    writeWideCsv(path, 1980, 300);
    const report = await validate(path);
    assert.equal(report.ok, false);
    const problem = report.problems.find((p) => p.code === 'too-many-features');
    assert.ok(problem, JSON.stringify(report.problems.map((p) => p.code)));
    assert.ok((problem.count ?? 0) > DEFAULT_MAX_FEATURES);
    assert.match(problem.message, /over the limit of 500/);
    assert.match(problem.message, /raise maxFeatures/);
    assert.match(problem.message, /'[A-Za-z0-9]+' \(\d+\)/);
  });

  test('lets a caller raise maxFeatures for a wide file', async () => {
    const path = nextPath();
    writeWideCsv(path, 1980, 300);
    const report = await validate(path, { maxFeatures: 3000 });
    assert.equal(report.ok, true, JSON.stringify(report.problems.map((p) => p.code)));
  });

  test('calls a column with a distinct string on every row an id and says to pass it as idColumn or drop it', async () => {
    const path = nextPath();
    writeHighCardinalityCsv(path, 'note');
    const report = await validate(path);
    assert.equal(report.ok, false);
    const problem = report.problems.find((p) => p.column === 'note');
    assert.equal(problem?.code, 'id-like-column');
    assert.equal(problem.count, 7043);
    assert.match(problem.message, /looks like an id\. Pass it as idColumn or drop it/);
  });

  test('refuses a categorical column with more levels than maxCategories, naming it and its level count', async () => {
    const path = nextPath();
    writeTelcoWithColumns(path, [['city', (_, row) => `city-${row % 1500}`]]);
    const report = await validate(path);
    const problem = report.problems.find((p) => p.column === 'city');
    assert.equal(problem?.code, 'too-many-categories');
    assert.equal(problem.count, 1500);
    assert.match(problem.message, /Column 'city' has 1500 distinct values, over the limit of 300/);
    assert.equal((await validate(path, { maxCategories: 2000, maxFeatures: 2000 })).ok, true);
  });

  test('refuses a column named __proto__, which no JSON body could carry to the scoring server, and says to rename it', async () => {
    const path = nextPath();
    writeTelcoWithColumns(path, [['__proto__', (_, row) => String(row % 3)]]);
    const report = await validate(path);
    const problem = report.problems.find((p) => p.column === '__proto__');
    assert.equal(problem?.code, 'reserved-column-name');
    assert.match(problem.message, /Rename the column/);
  });

  test('accepts columns named constructor and toString as ordinary features', async () => {
    const path = nextPath();
    writeTelcoWithColumns(path, [
      ['constructor', (cells) => (cells.gender === 'Male' ? 'm' : 'f')],
      ['toString', (_, row) => String(row % 5)],
    ]);
    const report = await validate(path);
    assert.equal(report.ok, true, JSON.stringify(report.problems));
    assert.deepEqual(
      report.inputs.filter((i) => i.name === 'constructor' || i.name === 'toString'),
      [
        { name: 'constructor', kind: 'categorical' },
        { name: 'toString', kind: 'numeric' },
      ],
    );
  });
});

describe('validateTable target-leak warnings', () => {
  test('warns, without failing, of a categorical copy of the target', async () => {
    const path = nextPath();
    writeTelcoWithColumns(path, [['churned', (cells) => (cells.Churn === 'Yes' ? 'gone' : 'stays')]]);
    const report = await validate(path);
    assert.equal(report.ok, true);
    assert.deepEqual(
      report.warnings.map((w) => [w.code, w.column]),
      [['target-leak-suspect', 'churned']],
    );
    assert.match(report.warnings[0]?.message ?? '', /alone predicts the target almost perfectly/);
  });

  test('warns of a numeric column that ranks the classes almost perfectly, e.g. days until cancellation', async () => {
    const path = nextPath();
    writeTelcoWithColumns(path, [
      ['daysToCancel', (cells, row) => String(cells.Churn === 'Yes' ? row % 30 : 400 + (row % 300))],
    ]);
    const report = await validate(path);
    assert.equal(report.ok, true);
    assert.deepEqual(
      report.warnings.map((w) => w.column),
      ['daysToCancel'],
    );
    assert.match(report.warnings[0]?.message ?? '', /ROC AUC 1\.0000 on its own/);
  });
});
