import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { readCsvTable } from '../../data/csv-reader';
import { generateTelcoCsv } from '../../data/sample-generator';
import { TELCO_CSV, tempHome } from '../helpers/paths';

const dir = tempHome('csv-reader');
let files = 0;
after(() => rmSync(dir, { recursive: true, force: true }));

function csvFile(text: string): string {
  const path = join(dir, `file-${++files}.csv`);
  writeFileSync(path, text);
  return path;
}

function codes(problems: { code: string }[]): string[] {
  return problems.map((p) => p.code);
}

describe('readCsvTable', () => {
  test('reads the Telco file into 21 columns of 7,043 raw strings, blank TotalCharges as empty strings', async () => {
    const { table, problems } = await readCsvTable(TELCO_CSV);
    assert.deepEqual(problems, []);
    assert.equal(table.rowCount, 7043);
    assert.equal(table.header.length, 21);
    assert.equal(table.header[0], 'customerID');
    assert.equal(table.header[20], 'Churn');
    for (const name of table.header) assert.equal(table.columns[name]?.length, 7043, name);
    assert.equal(table.columns.customerID?.[0], '7590-VHVEG');
    assert.equal(table.columns.TotalCharges?.filter((v) => v === '').length, 11);
    assert.equal(table.columns.Churn?.filter((v) => v === 'Yes').length, 1869);
  });

  test('strips a byte order mark, trims cells and turns whitespace-only cells into empty strings', async () => {
    const { table, problems } = await readCsvTable(csvFile('\ufeffid , name\n 1 ,  Ann  \n2,   \n'));
    assert.deepEqual(problems, []);
    assert.deepEqual(table.header, ['id', 'name']);
    assert.deepEqual({ ...table.columns }, { id: ['1', '2'], name: ['Ann', ''] });
  });

  test('keeps quoted commas and line breaks inside one cell', async () => {
    const { table, problems } = await readCsvTable(csvFile('a,b\n"x, y","line 1\nline 2"\n"say ""hi""",z\n'));
    assert.deepEqual(problems, []);
    assert.deepEqual({ ...table.columns }, { a: ['x, y', 'say "hi"'], b: ['line 1\nline 2', 'z'] });
  });

  test('skips blank lines without counting them as rows, and reads CRLF files', async () => {
    const { table, problems } = await readCsvTable(csvFile('a,b\r\n1,2\r\n\r\n3,4\r\n\r\n'));
    assert.deepEqual(problems, []);
    assert.equal(table.rowCount, 2);
    assert.deepEqual({ ...table.columns }, { a: ['1', '3'], b: ['2', '4'] });
  });

  test('leaves out a row with the wrong number of fields and names its data row, CSV line and field counts', async () => {
    // The quoted line break makes data row 3 start on line 5 of the file.
    const text = 'a,b,c\n1,2,3\n4,"five\nlines",6\n7,8\n9,10,11\n';
    const { table, problems } = await readCsvTable(csvFile(text));
    assert.equal(table.rowCount, 3);
    assert.deepEqual(table.columns.a, ['1', '4', '9']);
    assert.equal(problems.length, 1);
    const [problem] = problems;
    assert.equal(problem?.code, 'malformed-row');
    assert.equal(problem?.row, 3);
    assert.equal(problem?.count, 1);
    assert.match(problem?.message ?? '', /Data row 3 \(CSV line 5\) has 2 fields, expected 3/);
  });

  test('leaves out a row with a broken quote and reports where it is', async () => {
    const { table, problems } = await readCsvTable(csvFile('a,b\n1,2\n3,"4"x\n5,6\n'));
    assert.deepEqual(codes(problems), ['malformed-row']);
    assert.equal(problems[0]?.row, 2);
    assert.match(problems[0]?.message ?? '', /Data row 2 \(CSV line 3\).*quote/);
    assert.deepEqual(table.columns.a, ['1']);
  });

  test('reports a quote that is never closed as a malformed row', async () => {
    const { table, problems } = await readCsvTable(csvFile('a,b\n1,2\n3,"4\n5,6\n'));
    assert.deepEqual(codes(problems), ['malformed-row']);
    assert.equal(problems[0]?.row, 2);
    assert.match(problems[0]?.message ?? '', /never closed/);
    assert.equal(table.rowCount, 1);
  });

  test('reports the first ten malformed rows one by one and sums up the rest', async () => {
    const lines = ['a,b'];
    for (let i = 1; i <= 30; i++) lines.push(i % 2 === 0 ? `${i},x,extra` : `${i},x`);
    const { table, problems } = await readCsvTable(csvFile(lines.join('\n')));
    assert.equal(table.rowCount, 15);
    assert.equal(problems.length, 11);
    assert.deepEqual(
      problems.slice(0, 10).map((p) => p.row),
      [2, 4, 6, 8, 10, 12, 14, 16, 18, 20],
    );
    assert.deepEqual({ row: problems[10]?.row, count: problems[10]?.count }, { row: 22, count: 5 });
    assert.match(problems[10]?.message ?? '', /15 in all/);
  });

  test('reports an empty file and a file with only a header as empty', async () => {
    for (const text of ['', '\n\n', 'a,b\n']) {
      const { table, problems } = await readCsvTable(csvFile(text));
      assert.deepEqual(codes(problems), ['empty-file'], JSON.stringify(text));
      assert.equal(table.rowCount, 0);
    }
  });

  test('reports duplicate and empty column names and keeps only the first of a duplicated column', async () => {
    const { table, problems } = await readCsvTable(csvFile('a,b,a,\n1,2,3,4\n'));
    assert.deepEqual(codes(problems), ['duplicate-column', 'empty-column-name']);
    assert.equal(problems[0]?.column, 'a');
    assert.match(problems[1]?.message ?? '', /Column 4/);
    assert.deepEqual(table.header, ['a', 'b']);
    assert.deepEqual({ ...table.columns }, { a: ['1'], b: ['2'] });
  });

  test('does not read a file over maxBytes and says how big it is', async () => {
    const path = csvFile('a,b\n1,2\n');
    const { table, problems } = await readCsvTable(path, { maxBytes: 4 });
    assert.deepEqual(codes(problems), ['file-too-large']);
    assert.match(problems[0]?.message ?? '', /8 bytes/);
    assert.equal(table.rowCount, 0);
    assert.equal((await readCsvTable(path, { maxBytes: 8 })).table.rowCount, 1);
  });

  test('rejects a missing file with an error that names it', async () => {
    const missing = join(dir, 'no-such.csv');
    await assert.rejects(readCsvTable(missing), (error: Error) => error.message.includes(missing));
  });

  test('reports progress every 10,000 rows and once at the end', async () => {
    const seen: number[] = [];
    await readCsvTable(csvFile(generateTelcoCsv({ rows: 25_000, seed: 3 })), { onProgress: (n) => seen.push(n) });
    assert.deepEqual(seen, [10_000, 20_000, 25_000]);
  });

  test('reads a file many read chunks long exactly as a split of its lines', async () => {
    const text = generateTelcoCsv({ rows: 3_000, seed: 9 }); // about 400 kB: several chunks
    const { table, problems } = await readCsvTable(csvFile(text));
    const [header, ...rows] = text
      .trimEnd()
      .split('\n')
      .map((line) => line.split(','));
    assert.deepEqual(problems, []);
    assert.deepEqual(table.header, header);
    assert.equal(table.rowCount, 3_000);
    header?.forEach((name, j) => {
      assert.deepEqual(
        table.columns[name],
        rows.map((row) => (row[j] as string).trim()),
        name,
      );
    });
  });

  test('numbers rows and lines correctly past quoted line breaks and read-chunk boundaries', async () => {
    const lines = ['id,note'];
    for (let i = 1; i <= 5_000; i++) lines.push(i === 2_000 ? `${i},"two\nlines"` : `${i},note number ${i}`);
    lines.push('5001,too,many');
    const { table, problems } = await readCsvTable(csvFile(lines.join('\n') + '\n'));
    assert.equal(table.rowCount, 5_000);
    assert.equal(table.columns.note?.[1_999], 'two\nlines');
    assert.equal(problems[0]?.row, 5_001);
    // Header, 5,000 rows, one extra line inside row 2,000: the bad row is on line 5,003.
    assert.match(problems[0]?.message ?? '', /CSV line 5003\)/);
  });
});

describe('readCsvTable: separators, line ends and files that are not CSV', () => {
  const telco = readFileSync(TELCO_CSV, 'utf8');
  // Telco's cells hold no ';', tab or '|', so swapping the separator changes nothing else.
  const withSeparator = (separator: string): string => telco.replace(/,/g, separator);

  for (const [name, separator] of [
    ['semicolon', ';'],
    ['tab', '\t'],
    ['pipe', '|'],
  ] as const) {
    test(`reads a ${name}-separated Telco file exactly as the comma-separated one`, async () => {
      const expected = await readCsvTable(TELCO_CSV);
      const { table, problems, delimiter } = await readCsvTable(csvFile(withSeparator(separator)));
      assert.deepEqual(problems, []);
      assert.equal(delimiter, separator);
      assert.deepEqual(table, expected.table);
    });
  }

  test('reads a semicolon file with a byte order mark, CRLF line ends and quoted commas and semicolons', async () => {
    const text = '\ufeffid;note;amount\r\n1;"a, b";3.5\r\n2;"c; d";4\r\n';
    const { table, problems, delimiter } = await readCsvTable(csvFile(text));
    assert.deepEqual(problems, []);
    assert.equal(delimiter, ';');
    assert.deepEqual({ ...table.columns }, { id: ['1', '2'], note: ['a, b', 'c; d'], amount: ['3.5', '4'] });
  });

  test('keeps reading a comma file whose text cells hold semicolons', async () => {
    const { table, problems, delimiter } = await readCsvTable(csvFile('a,b\nx;y,1\nz;w,2\n'));
    assert.deepEqual(problems, []);
    assert.equal(delimiter, ',');
    assert.deepEqual({ ...table.columns }, { a: ['x;y', 'z;w'], b: ['1', '2'] });
  });

  test('finds the separator of a header longer than the part of the file it looks at', async () => {
    const header = Array.from({ length: 8_000 }, (_, i) => `column_${i}`);
    const { table, problems, delimiter } = await readCsvTable(
      csvFile(`${header.join(';')}\n${header.map((_, i) => i).join(';')}\n`),
    );
    assert.deepEqual(problems, []);
    assert.equal(delimiter, ';');
    assert.equal(table.header.length, 8_000);
    assert.deepEqual(table.columns.column_7999, ['7999']);
  });

  test('says plainly that a semicolon file writes numbers with decimal commas, naming the column', async () => {
    const { problems } = await readCsvTable(csvFile('id;charges;plan\n1;29,85;a\n2;56,95;b\n3;42;a\n'));
    assert.deepEqual(codes(problems), ['decimal-comma']);
    assert.equal(problems[0]?.column, 'charges');
    assert.match(problems[0]?.message ?? '', /decimal commas \('29,85'\) in this semicolon-separated file/);
  });

  test('refuses a binary file and a one-column file without quoting a byte of them', async () => {
    const secret = 'MLCYCLE_ADMIN_TOKEN=s3cr3t';
    for (const text of [
      `PATH=/usr/bin\0${secret}\0HOME=/root\0`,
      `root:x:0:0:${secret}:/root:/bin/bash\nbin:x:1:1\n`,
    ]) {
      const { table, problems } = await readCsvTable(csvFile(text));
      assert.deepEqual(codes(problems), ['not-csv']);
      assert.equal(table.header.length, 0);
      assert.ok(!JSON.stringify(problems).includes('s3cr3t'), JSON.stringify(problems));
    }
  });

  test('refuses a file whose first 64 KiB hold no line break and no separator as not CSV', async () => {
    const { problems } = await readCsvTable(csvFile(`${'y'.repeat(100_000)},a\n1,2\n`));
    assert.deepEqual(codes(problems), ['not-csv']);
    assert.match(problems[0]?.message ?? '', /first 64 KiB hold no line break/);
  });

  test('refuses a directory, a device and a missing file with a DataAccessError before reading', async () => {
    for (const path of [dir, '/dev/null', '/dev/zero', join(dir, 'missing.csv')]) {
      await assert.rejects(readCsvTable(path), { name: 'DataAccessError' }, path);
    }
  });
});

describe('readCsvTable with column names that are Object.prototype keys', () => {
  test('keeps columns named __proto__, constructor and toString as plain columns and finds no column it was not given', async () => {
    const { table } = await readCsvTable(csvFile('__proto__,constructor,toString\n1,a,x\n2,b,y\n'));
    assert.deepEqual(table.header, ['__proto__', 'constructor', 'toString']);
    const column = (name: string): unknown => table.columns[name];
    assert.deepEqual(column('__proto__'), ['1', '2']);
    assert.deepEqual(column('constructor'), ['a', 'b']);
    assert.deepEqual(column('toString'), ['x', 'y']);
    assert.deepEqual(Object.keys(table.columns), ['__proto__', 'constructor', 'toString']);
    assert.equal(column('hasOwnProperty'), undefined);
  });
});
