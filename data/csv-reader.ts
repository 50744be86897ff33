import type { FileHandle } from 'node:fs/promises';
import Papa from 'papaparse';
import type { ParseError, ParseResult } from 'papaparse';
import type { RawTable } from '../models/types';
import type { DataProblem } from '../core/errors';
import { sniffCsv, type Delimiter } from './csv-sniff';
import { printableExcerpt } from './excerpt';
import { openRegularFile } from './open-regular-file';

export interface ReadCsvOptions {
  /** Called with the number of data rows read so far, about every 10,000 rows and once at the end. */
  onProgress?: (rowsRead: number) => void;
  /** Larger files are not read at all: a 'file-too-large' problem is returned instead. */
  maxBytes?: number;
}

export interface CsvReadResult {
  table: RawTable;
  problems: DataProblem[];
  /** The field separator found in the header and first lines: ',' ';' tab or '|'. */
  delimiter: Delimiter;
}

const PROGRESS_EVERY_ROWS = 10_000;
/** Past this many, malformed rows are summed up in one problem instead of one problem each. */
const MALFORMED_ROWS_REPORTED = 10;
/** Columns with at most this many distinct values share one string per value (see `ColumnBuilder`). */
const INTERNED_VALUES_PER_COLUMN = 5_000;
const READ_CHUNK_BYTES = 1 << 16;
/** How much of the file's start decides its separator and whether it is CSV at all. */
const SNIFF_BYTES = 1 << 16;

/**
 * Streams a CSV file with a header row into column arrays of trimmed strings. The separator (',' ';'
 * tab or '|') is found from the header and first lines; a file that is not a CSV table is not read
 * past that. Bad data never throws: it comes back as problems, and malformed rows are left out of
 * the table. Only an unreadable file rejects: a DataAccessError when missing, unreadable or not a
 * regular file, before any byte is read, else the I/O error.
 */
export async function readCsvTable(path: string, options: ReadCsvOptions = {}): Promise<CsvReadResult> {
  const file = await openRegularFile(path);
  let streaming = false;
  try {
    const { size } = await file.stat();
    if (options.maxBytes !== undefined && size > options.maxBytes) {
      const message = `The file is ${size} bytes, over the limit of ${options.maxBytes}; pass a smaller file or raise the limit.`;
      return { ...emptyResult(','), problems: [{ code: 'file-too-large', message }] };
    }
    const sniff = sniffCsv(await readHead(file, SNIFF_BYTES), size <= SNIFF_BYTES);
    if (sniff.notCsv) return { ...emptyResult(sniff.delimiter), problems: [sniff.notCsv] };
    const builder = new TableBuilder(options.onProgress, sniff.problems);
    let firstChunk = true;
    streaming = true; // the stream closes the file from here on
    await parseFile(file, sniff.delimiter, (results, brokenRows) => {
      if (firstChunk) builder.reserveRows(estimateRowCount(size, results));
      firstChunk = false;
      results.data.forEach((fields, i) => builder.addRow(fields, brokenRows.get(i), results.meta.linebreak));
    });
    return { ...builder.finish(), delimiter: sniff.delimiter };
  } finally {
    if (!streaming) await file.close();
  }
}

function emptyResult(delimiter: Delimiter): CsvReadResult {
  return {
    table: { header: [], rowCount: 0, columns: Object.create(null) as Record<string, string[]> },
    problems: [],
    delimiter,
  };
}

/** The file's first bytes as text, without a byte order mark. */
async function readHead(file: FileHandle, bytes: number): Promise<string> {
  const buffer = Buffer.alloc(bytes);
  const { bytesRead } = await file.read(buffer, 0, bytes, 0);
  const text = buffer.subarray(0, bytesRead).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

type ChunkHandler = (results: ParseResult<string[]>, brokenRows: Map<number, ParseError>) => void;

/**
 * Rows in the whole file, from the first chunk's bytes per row plus 5%. Column arrays sized up
 * front halve the peak memory of a large read: grown push by push, every column leaves a trail of
 * ever larger discarded copies for the garbage collector.
 */
function estimateRowCount(fileBytes: number, firstChunk: ParseResult<string[]>): number {
  const rows = firstChunk.data.length;
  if (rows === 0 || firstChunk.meta.cursor <= 0) return 0;
  const widestRow = firstChunk.data.reduce((widest, fields) => Math.max(widest, fields.length), 1);
  // A row of n fields takes at least n bytes (n - 1 commas and a line break): never reserve more.
  const mostRowsPossible = Math.ceil(fileBytes / widestRow);
  return Math.min(mostRowsPossible, Math.ceil((fileBytes / firstChunk.meta.cursor) * rows * 1.05));
}

/** Parses the file chunk by chunk; `onChunk` gets each chunk's rows and its quote errors by row index. */
function parseFile(file: FileHandle, delimiter: Delimiter, onChunk: ChunkHandler) {
  return new Promise<void>((resolve, reject) => {
    const input = file.createReadStream({ encoding: 'utf8', highWaterMark: READ_CHUNK_BYTES, start: 0 });
    Papa.parse<string[]>(input, {
      delimiter,
      skipEmptyLines: false, // blank lines are skipped by the builder, which must count them as lines
      beforeFirstChunk: (chunk) => (chunk.charCodeAt(0) === 0xfeff ? chunk.slice(1) : chunk),
      chunk: (results: ParseResult<string[]>, parser) => {
        try {
          onChunk(results, brokenRowsOf(results));
        } catch (error) {
          parser.abort();
          input.destroy();
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      },
      complete: () => resolve(),
      error: (error: Error) => reject(error),
    });
  });
}

function brokenRowsOf(results: ParseResult<string[]>): Map<number, ParseError> {
  const broken = new Map<number, ParseError>();
  for (const error of results.errors) {
    // Errors of the unfinished last line of a chunk are reported again once it is complete, with
    // an index past this chunk's rows: only errors of rows delivered now count.
    if (error.row !== undefined && error.row < results.data.length && !broken.has(error.row)) {
      broken.set(error.row, error);
    }
  }
  return broken;
}

/** Turns parsed rows into a table, tracking data-row and line numbers for the problems it reports. */
class TableBuilder {
  private headerRead = false;
  private fieldCount = 0;
  private columns: { name: string; fieldIndex: number; values: ColumnBuilder }[] = [];
  private readonly problems: DataProblem[] = [];
  private line = 1;
  private dataRows = 0;
  private rowCount = 0;
  private malformedRows = 0;
  private firstUnreportedMalformedRow = 0;
  private reservedRows = 0;

  constructor(
    private readonly onProgress?: (rowsRead: number) => void,
    formatProblems: DataProblem[] = [],
  ) {
    this.problems.push(...formatProblems);
  }

  /** Sizes the column arrays for this many rows; call before the header row is added. */
  reserveRows(rows: number): void {
    this.reservedRows = rows;
  }

  addRow(fields: string[], quoteError: ParseError | undefined, linebreak: string): void {
    const line = this.line;
    this.line += linesSpanned(fields, linebreak === '\r' ? '\r' : '\n');
    // A blank line is not a row; pandas and spreadsheets skip them too.
    if (fields.length === 1 && (fields[0] ?? '').trim() === '') return;
    if (!this.headerRead) return this.setHeader(fields);

    const dataRow = ++this.dataRows;
    if (quoteError) {
      const what = quoteError.code === 'MissingQuotes' ? 'a quote that is never closed' : 'a misplaced quote';
      this.malformed(dataRow, `Data row ${dataRow} (CSV line ${line}) has ${what}: ${quoteError.message}.`);
    } else if (fields.length !== this.fieldCount) {
      this.malformed(
        dataRow,
        `Data row ${dataRow} (CSV line ${line}) has ${fields.length} fields, expected ${this.fieldCount} as in the header.`,
      );
    } else {
      for (const column of this.columns) column.values.push((fields[column.fieldIndex] as string).trim());
      this.rowCount++;
      if (this.rowCount % PROGRESS_EVERY_ROWS === 0) this.onProgress?.(this.rowCount);
    }
  }

  finish(): Omit<CsvReadResult, 'delimiter'> {
    if (!this.headerRead) {
      this.problems.push({ code: 'empty-file', message: 'The file is empty: it has no header row and no data.' });
    } else if (this.dataRows === 0) {
      this.problems.push({ code: 'empty-file', message: 'The file has a header row but no data rows.' });
    }
    const unreported = this.malformedRows - MALFORMED_ROWS_REPORTED;
    if (unreported > 0) {
      this.problems.push({
        code: 'malformed-row',
        row: this.firstUnreportedMalformedRow,
        count: unreported,
        message: `${unreported} more malformed rows (${this.malformedRows} in all) were left out; fix or remove them.`,
      });
    }
    if (this.rowCount % PROGRESS_EVERY_ROWS !== 0) this.onProgress?.(this.rowCount);
    // No prototype: a column named 'constructor' or 'toString' must not find (or clash with) Object's.
    const columns = Object.create(null) as Record<string, string[]>;
    for (const column of this.columns) columns[column.name] = column.values.finish();
    return {
      table: { header: this.columns.map((c) => c.name), rowCount: this.rowCount, columns },
      problems: this.problems,
    };
  }

  private setHeader(fields: string[]): void {
    this.headerRead = true;
    this.fieldCount = fields.length;
    const seen = new Set<string>();
    fields.forEach((field, fieldIndex) => {
      const name = field.trim();
      const position = fieldIndex + 1;
      if (name === '') {
        const message = `Column ${position} of the header has no name; name it or remove it. Its values were ignored.`;
        this.problems.push({ code: 'empty-column-name', message });
      } else if (seen.has(name)) {
        const message = `Column name '${printableExcerpt(name, 100)}' appears more than once (again at position ${position}); rename one. Only the first was read.`;
        this.problems.push({ code: 'duplicate-column', column: name, message });
      } else {
        seen.add(name);
        this.columns.push({ name, fieldIndex, values: new ColumnBuilder(this.reservedRows) });
      }
    });
  }

  private malformed(dataRow: number, description: string): void {
    this.malformedRows++;
    if (this.malformedRows <= MALFORMED_ROWS_REPORTED) {
      const message = `${description} The row was left out; fix or remove it.`;
      this.problems.push({ code: 'malformed-row', row: dataRow, count: 1, message });
    } else if (this.malformedRows === MALFORMED_ROWS_REPORTED + 1) {
      this.firstUnreportedMalformedRow = dataRow;
    }
  }
}

/**
 * One column's cells. Categorical columns repeat a handful of values millions of times; sharing one
 * string per distinct value instead of one per cell cuts the memory of a large table several-fold.
 * Columns that turn out to have many distinct values (ids, amounts) stop being interned.
 */
class ColumnBuilder {
  private readonly values: string[];
  private length = 0;
  private interned: Map<string, string> | null = new Map();

  constructor(capacity: number) {
    this.values = new Array<string>(capacity);
  }

  push(value: string): void {
    this.values[this.length++] = this.shared(value);
  }

  /** The cells, the array cut to the rows actually read. */
  finish(): string[] {
    this.values.length = this.length;
    return this.values;
  }

  private shared(value: string): string {
    if (this.interned === null) return value;
    const shared = this.interned.get(value);
    if (shared !== undefined) return shared;
    if (this.interned.size < INTERNED_VALUES_PER_COLUMN) this.interned.set(value, value);
    else this.interned = null;
    return value;
  }
}

/**
 * Lines a parsed row took in the file: one, plus the line breaks inside its quoted fields. Counting
 * only '\n' (or only '\r' in old Mac files) counts '\r\n' once and ignores a stray '\r' before a '\n'.
 */
function linesSpanned(fields: string[], breakChar: '\n' | '\r'): number {
  let lines = 1;
  for (const field of fields) {
    for (let at = field.indexOf(breakChar); at !== -1; at = field.indexOf(breakChar, at + 1)) lines++;
  }
  return lines;
}
