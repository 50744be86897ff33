// The CSV reading and writing of batch scoring, kept lean: it runs once per row of files of millions.

const NEWLINE = 0x0a;
const QUOTE = 0x22;
const CARRIAGE_RETURN = 0x0d;
const EMPTY = Buffer.alloc(0);

/** Called with one record's bytes `buffer[start, end)` (line break excluded) and its offset in the file. */
export type RecordSink = (buffer: Buffer, start: number, end: number, fileOffset: number) => void;

/**
 * Splits a stream of CSV bytes into records: a line break ends a record only outside quotes, so a
 * quoted field may hold line breaks. Only quote characters and line breaks are looked at (with
 * `indexOf`, which is native), so counting a million-row file costs little more than reading it.
 */
export class CsvRecordSplitter {
  private pending: Buffer = EMPTY;
  /** File offset of `pending[0]`. */
  private pendingOffset: number;
  /** Bytes of `pending` already looked at; `inQuotes` is the state after them. */
  private scanned = 0;
  private inQuotes = false;

  constructor(startOffset = 0) {
    this.pendingOffset = startOffset;
  }

  /** Leaves out the next `bytes` bytes of the file (a byte order mark) without parsing them. */
  skip(bytes: number): void {
    this.pendingOffset += bytes;
  }

  push(chunk: Buffer, sink: RecordSink): void {
    const buffer = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    let recordStart = 0;
    let position = this.scanned;
    let nextQuote = buffer.indexOf(QUOTE, position);
    for (;;) {
      const newline = buffer.indexOf(NEWLINE, position);
      const stop = newline === -1 ? buffer.length : newline;
      while (nextQuote !== -1 && nextQuote < stop) {
        this.inQuotes = !this.inQuotes;
        nextQuote = buffer.indexOf(QUOTE, nextQuote + 1);
      }
      if (newline === -1) break;
      position = newline + 1;
      if (this.inQuotes) continue;
      emit(buffer, recordStart, newline, this.pendingOffset + recordStart, sink);
      recordStart = position;
    }
    this.pending = buffer.subarray(recordStart);
    this.pendingOffset += recordStart;
    this.scanned = buffer.length - recordStart;
  }

  /** The last record, when the file does not end with a line break. */
  end(sink: RecordSink): void {
    if (this.pending.length > 0) emit(this.pending, 0, this.pending.length, this.pendingOffset, sink);
    this.pending = EMPTY;
    this.scanned = 0;
  }
}

function emit(buffer: Buffer, start: number, end: number, fileOffset: number, sink: RecordSink): void {
  const last = end > start && buffer[end - 1] === CARRIAGE_RETURN ? end - 1 : end;
  sink(buffer, start, last, fileOffset);
}

/** The fields of one CSV record (RFC 4180 quoting: `""` inside quotes is one quote). */
export function parseCsvRecord(text: string, delimiter: string): string[] {
  if (!text.includes('"')) return text.split(delimiter);
  const fields: string[] = [];
  let field = '';
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (inQuotes) {
      if (char !== '"') field += char;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else inQuotes = false;
    } else if (char === '"') inQuotes = true;
    else if (char === delimiter) {
      fields.push(field);
      field = '';
    } else field += char;
  }
  fields.push(field);
  return fields;
}

const NEEDS_QUOTES = /[",\n\r;\t|]/;

/** One value as a CSV field: quoted when it holds a quote, a line break or any separator mlcycle reads. */
export function csvField(value: unknown): string {
  const text = cellText(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** How a value read from Parquet is written as text. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value, (_key, inner: unknown) => (typeof inner === 'bigint' ? inner.toString() : inner));
}
