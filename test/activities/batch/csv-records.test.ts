import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CsvRecordSplitter, csvField, parseCsvRecord } from '../../../activities/batch/csv-records';
import { planCsv } from '../../../activities/batch/csv-plan';
import { tempHome } from '../../helpers/paths';

/** Every record of `text` fed in pieces of `size` bytes: its text and file offset. */
function split(text: string, size: number): [string, number][] {
  const bytes = Buffer.from(text);
  const splitter = new CsvRecordSplitter();
  const records: [string, number][] = [];
  const sink = (buffer: Buffer, start: number, end: number, offset: number) =>
    records.push([buffer.toString('utf8', start, end), offset]);
  for (let at = 0; at < bytes.length; at += size) splitter.push(bytes.subarray(at, at + size), sink);
  splitter.end(sink);
  return records;
}

describe('CSV records for batch scoring', () => {
  const text = 'a,b\r\n1,"two\nlines"\n"x ""y""",3\n\nlast,row';

  it('ends a record only at a line break outside quotes, whatever the read boundaries', () => {
    const expected: [string, number][] = [
      ['a,b', 0],
      ['1,"two\nlines"', 5],
      ['"x ""y""",3', 19],
      ['', 31],
      ['last,row', 32],
    ];
    for (const size of [1, 2, 3, 7, 1000]) assert.deepEqual(split(text, size), expected, `pieces of ${size}`);
  });

  it('parses quoted fields with separators, line breaks and doubled quotes', () => {
    assert.deepEqual(parseCsvRecord('1,"two\nlines"', ','), ['1', 'two\nlines']);
    assert.deepEqual(parseCsvRecord('"x ""y""",3', ','), ['x "y"', '3']);
    assert.deepEqual(parseCsvRecord('"a;b";c', ';'), ['a;b', 'c']);
    assert.deepEqual(parseCsvRecord('a,,', ','), ['a', '', '']);
  });

  it('quotes a written field only when it holds a quote, a separator or a line break', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField(null), '');
    assert.equal(csvField(12n), '12');
  });

  it('plans chunks at line starts, skipping blank lines and a byte order mark, each chunk its share of rows', async () => {
    const path = join(tempHome('csv-plan'), 'rows.csv');
    const rows = Array.from({ length: 10 }, (_, i) => (i === 4 ? `${i},"multi\nline"` : `${i},v${i}`));
    const body = `\uFEFFid,value\n${rows.slice(0, 5).join('\n')}\n\n${rows.slice(5).join('\r\n')}`;
    writeFileSync(path, body);
    const layout = await planCsv(path, 4, () => undefined);
    assert.deepEqual(layout.header, ['id', 'value']);
    assert.equal(layout.rows, 10);
    assert.deepEqual(
      layout.chunks.map(({ firstRow, rows: count }) => [firstRow, count]),
      [
        [0, 4],
        [4, 4],
        [8, 2],
      ],
    );
    const bytes = Buffer.from(body);
    const firstLines = layout.chunks.map((chunk) =>
      bytes.toString('utf8', chunk.startByte, (chunk.startByte ?? 0) + 3),
    );
    assert.deepEqual(firstLines, ['0,v', '4,"', '8,v']);
    assert.equal(layout.chunks.at(-1)?.endByte, bytes.length);
  });
});
