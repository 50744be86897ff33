import { createHash } from 'node:crypto';
import type { BatchChunk } from '../../contracts/batch-activities';
import { sniffCsv } from '../../data/csv-sniff';
import { openRegularFile } from '../../data/open-regular-file';
import { InvalidDataError } from '../../core/errors';
import { CsvRecordSplitter, parseCsvRecord } from './csv-records';

export interface CsvLayout {
  header: string[];
  delimiter: string;
  rows: number;
  sha256: string;
  chunks: BatchChunk[];
}

const READ_BYTES = 1 << 20;
const BOM = [0xef, 0xbb, 0xbf];

/**
 * One pass over a CSV file: its header, its data rows (blank lines are not rows), its sha256, and
 * the byte offset of every `chunkRows`-th row, so each chunk activity reads its own byte range
 * without parsing what comes before it.
 */
export async function planCsv(
  path: string,
  chunkRows: number,
  onProgress: (bytes: number) => void,
): Promise<CsvLayout> {
  const file = await openRegularFile(path);
  try {
    const { size } = await file.stat();
    const hash = createHash('sha256');
    const splitter = new CsvRecordSplitter();
    let headerText: string | undefined;
    let rows = 0;
    const starts: number[] = [];
    const sink = (buffer: Buffer, start: number, end: number, offset: number) => {
      if (end === start) return;
      if (headerText === undefined) {
        headerText = buffer.toString('utf8', start, end);
        return;
      }
      if (rows % chunkRows === 0) starts.push(offset);
      rows++;
    };
    let read = 0;
    let first = true;
    for await (const chunk of file.createReadStream({ highWaterMark: READ_BYTES, autoClose: false })) {
      const bytes = chunk as Buffer;
      hash.update(bytes);
      // A byte order mark is not part of the header's first name.
      const skip = first && BOM.every((byte, i) => bytes[i] === byte) ? BOM.length : 0;
      if (skip > 0) splitter.skip(skip);
      splitter.push(skip > 0 ? bytes.subarray(skip) : bytes, sink);
      first = false;
      read += bytes.length;
      onProgress(read);
    }
    splitter.end(sink);
    if (headerText === undefined) {
      const problem = { code: 'empty-file', message: 'The file is empty: there is no header row' };
      throw new InvalidDataError(problem.message, [problem]);
    }
    const sniff = sniffCsv(headerText, true);
    if (sniff.notCsv) throw new InvalidDataError(sniff.notCsv.message, [sniff.notCsv]);
    const chunks = starts.map((startByte, index) => ({
      index,
      firstRow: index * chunkRows,
      rows: Math.min(chunkRows, rows - index * chunkRows),
      startByte,
      endByte: starts[index + 1] ?? size,
    }));
    const names = parseCsvRecord(headerText, sniff.delimiter).map((name) => name.trim());
    return { header: names, delimiter: sniff.delimiter, rows, sha256: hash.digest('hex'), chunks };
  } finally {
    await file.close();
  }
}
