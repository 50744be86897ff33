import { stat } from 'node:fs/promises';
import type { BatchChunk, BatchFiles } from '../../contracts/batch-activities';
import { ArtifactIntegrityError } from '../../core/errors';
import { openRegularFile } from '../../data/open-regular-file';
import { CsvRecordSplitter, parseCsvRecord } from './csv-records';
import { openParquet } from './parquet-files';
import type { SchemaElement } from 'hyparquet';

/** Rows handed over a block at a time; the consumer may await between blocks (scoring, writing). */
export interface RowBlock {
  values: unknown[][];
  /** CSV input: each row's line as read. */
  lines?: string[];
}

export interface RowSource {
  /** Parquet input: the input columns' schema elements, kept in a Parquet output. */
  elements?: SchemaElement[];
  blocks(): AsyncIterable<RowBlock>;
}

const READ_BYTES = 1 << 20;

export async function openRowSource(plan: BatchFiles, chunk: BatchChunk): Promise<RowSource> {
  await checkUnchanged(plan);
  if (plan.inputFormat === 'csv') return { blocks: () => csvBlocks(plan, chunk) };
  const parquet = await openParquet(plan.inputPath);
  return {
    elements: parquet.columns,
    async *blocks() {
      try {
        // A row group at a time: hyparquet decodes whole groups, so a smaller block would decode one again and again.
        const end = chunk.firstRow + chunk.rows;
        let groupStart = 0;
        for (const groupRows of parquet.groupRows) {
          const start = Math.max(groupStart, chunk.firstRow);
          const stop = Math.min(groupStart + groupRows, end);
          groupStart += groupRows;
          if (start >= stop) continue;
          const columns = await parquet.readColumns(start, stop);
          const rows = columns[0]?.length ?? 0;
          yield { values: Array.from({ length: rows }, (_, r) => columns.map((column) => column[r])) };
        }
      } finally {
        await parquet.close();
      }
    },
  };
}

/** Chunks read rows where the plan found them: an input rewritten since would give other rows. */
async function checkUnchanged(plan: BatchFiles): Promise<void> {
  const now = await stat(plan.inputPath);
  if (now.size !== plan.inputBytes || now.mtimeMs !== plan.inputModifiedMs) {
    throw new ArtifactIntegrityError(
      `${plan.inputPath} changed after the run planned its chunks (${plan.inputBytes} bytes then, ${now.size} now); start the run again`,
    );
  }
}

/** The chunk's byte range only: it starts at a line start the plan found, so nothing before it is read. */
async function* csvBlocks(plan: BatchFiles, chunk: BatchChunk): AsyncIterable<RowBlock> {
  const { startByte = 0, endByte = 0 } = chunk;
  if (endByte <= startByte) return;
  const file = await openRegularFile(plan.inputPath);
  const delimiter = plan.delimiter ?? ',';
  try {
    const splitter = new CsvRecordSplitter(startByte);
    let lines: string[] = [];
    const sink = (buffer: Buffer, start: number, end: number) => {
      if (end > start) lines.push(buffer.toString('utf8', start, end));
    };
    const stream = file.createReadStream({
      start: startByte,
      end: endByte - 1,
      highWaterMark: READ_BYTES,
      autoClose: false,
    });
    for await (const bytes of stream) {
      splitter.push(bytes as Buffer, sink);
      if (lines.length > 0) yield { lines, values: lines.map((line) => parseCsvRecord(line, delimiter)) };
      lines = [];
    }
    splitter.end(sink);
    if (lines.length > 0) yield { lines, values: lines.map((line) => parseCsvRecord(line, delimiter)) };
  } finally {
    await file.close();
  }
}
