// Parquet through hyparquet (reading) and hyparquet-writer (writing): pure JavaScript, no native
// build, maintained together; hyparquet reads any row range (only the row groups it overlaps) and
// the writer writes row group by row group, so neither a chunk nor the join holds more than a chunk.
// @dsnp/parquetjs needs Node 24, and parquet-wasm needs apache-arrow beside it for the same job.
import type { FileHandle } from 'node:fs/promises';
import { parquetMetadataAsync, parquetRead, parquetSchema, type AsyncBuffer, type FileMetaData } from 'hyparquet';
import type { SchemaElement } from 'hyparquet';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { InvalidDataError } from '../../core/errors';
import { openRegularFile } from '../../data/open-regular-file';
import { HashingFile } from './hashing-file';

/** A Parquet file opened for reading ranges of it; `close` when done. */
export interface ParquetSource {
  metadata: FileMetaData;
  /** Top-level columns, in file order, with their schema elements (only flat tables are read). */
  columns: SchemaElement[];
  rows: number;
  /** Rows of each row group, in file order. */
  groupRows: number[];
  /** Rows [rowStart, rowEnd) as column arrays, in `columns` order. */
  readColumns(rowStart: number, rowEnd: number): Promise<unknown[][]>;
  close(): Promise<void>;
}

export async function openParquet(path: string): Promise<ParquetSource> {
  const file = await openRegularFile(path);
  try {
    const { size } = await file.stat();
    const buffer = fileBuffer(file, size);
    const metadata = await parquetMetadataAsync(buffer).catch((error: unknown) => {
      const message = `The file is not a readable Parquet file: ${(error as Error).message}`;
      throw new InvalidDataError(message, [{ code: 'not-parquet', message }]);
    });
    const tree = parquetSchema(metadata);
    const nested = tree.children.filter((child) => child.children.length > 0).map((child) => child.element.name);
    if (nested.length > 0) {
      const message = `Nested Parquet columns cannot be scored: ${nested.join(', ')}`;
      throw new InvalidDataError(message, [{ code: 'nested-columns', message }]);
    }
    const columns = tree.children.map((child) => child.element);
    return {
      metadata,
      columns,
      rows: Number(metadata.num_rows),
      groupRows: metadata.row_groups.map((group) => Number(group.num_rows)),
      async readColumns(rowStart, rowEnd) {
        let rows: unknown[][] = [];
        await parquetRead({ file: buffer, metadata, rowStart, rowEnd, onComplete: (read) => (rows = read) });
        return columns.map((_, c) => rows.map((row) => row[c]));
      },
      close: () => file.close(),
    };
  } catch (error) {
    await file.close();
    throw error;
  }
}

function fileBuffer(file: FileHandle, size: number): AsyncBuffer {
  return {
    byteLength: size,
    async slice(start: number, end = size): Promise<ArrayBuffer> {
      const bytes = new Uint8Array(end - start);
      let done = 0;
      while (done < bytes.length) {
        const { bytesRead } = await file.read(bytes, done, bytes.length - done, start + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return bytes.buffer;
    },
  };
}

/** A column to write: its name, schema element (type) and values. */
export interface ParquetColumn {
  element: SchemaElement;
  data: unknown[] | Float64Array | Int32Array;
}

/**
 * Writes Parquet to a file one row group per `write`, each flushed to disk as it is made, so only
 * the row group being encoded is in memory.
 */
export class ParquetFileWriter {
  private readonly bytes = new ByteWriter();
  private readonly writer: ParquetWriter;

  private constructor(
    private readonly file: HashingFile,
    /** The columns, without the schema's root. */
    readonly elements: SchemaElement[],
  ) {
    const schema: SchemaElement[] = [{ name: 'root', num_children: elements.length }, ...elements];
    const bytes = this.bytes;
    const flush = async () => {
      // The writer encodes nothing more until this resolves, so the buffer is reused only after the write.
      await this.file.write(new Uint8Array(bytes.buffer, 0, bytes.index));
      bytes.index = 0;
    };
    Object.assign(bytes, { flush, finish: flush });
    this.writer = new ParquetWriter({ writer: bytes, schema, createdBy: 'mlcycle batchScore' });
  }

  static async create(path: string, elements: SchemaElement[]): Promise<ParquetFileWriter> {
    return new ParquetFileWriter(await HashingFile.create(path), elements);
  }

  async write(columns: ParquetColumn[]): Promise<void> {
    const rows = columns[0]?.data.length ?? 0;
    if (rows === 0) return;
    const columnData = columns.map(({ element, data }) => ({ name: element.name, data: data as unknown[] }));
    await this.writer.write({ columnData, rowGroupSize: rows });
  }

  /** Writes the footer, closes the file and returns its sha256. */
  async close(): Promise<string> {
    try {
      await this.writer.finish();
    } catch (error) {
      await this.file.abandon();
      throw error;
    }
    return this.file.close();
  }
}

/** The schema element an input column keeps in the output (its type; nullable, since rows may be blank). */
export function outputElement(element: SchemaElement): SchemaElement {
  const { type, type_length, converted_type, scale, precision, logical_type } = element;
  const kept: SchemaElement = { name: element.name, repetition_type: 'OPTIONAL' };
  // Absent fields stay absent: the writer would encode an explicit undefined.
  if (type !== undefined) kept.type = type;
  if (type_length !== undefined) kept.type_length = type_length;
  if (converted_type !== undefined) kept.converted_type = converted_type;
  if (scale !== undefined) kept.scale = scale;
  if (precision !== undefined) kept.precision = precision;
  if (logical_type !== undefined) kept.logical_type = logical_type;
  return kept;
}

export const STRING_ELEMENT = (name: string): SchemaElement => ({
  name,
  type: 'BYTE_ARRAY',
  converted_type: 'UTF8',
  repetition_type: 'OPTIONAL',
});
