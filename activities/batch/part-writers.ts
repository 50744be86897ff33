import type { SchemaElement } from 'hyparquet';
import type { BatchFiles } from '../../contracts/batch-activities';
import { csvField } from './csv-records';
import { HashingFile } from './hashing-file';
import { OUTPUT_COLUMNS } from './formats';
import { ParquetFileWriter, STRING_ELEMENT, outputElement, type ParquetColumn } from './parquet-files';

/**
 * One scored row: its 1-based row number, and its line as read (CSV input) or its values in input
 * column order (Parquet input, or any input to a Parquet output).
 */
export type ScoredRow =
  { row: number; line: string; values?: undefined } | { row: number; values: readonly unknown[]; line?: undefined };

/** Writes a chunk's scored rows in the output format; `close` before the file is used. */
export interface PartWriter {
  write(rows: readonly ScoredRow[], probabilities: Float32Array, threshold: number): Promise<void>;
  /** Closes the part and returns its sha256. */
  close(): Promise<string>;
}

export async function openPartWriter(
  path: string,
  plan: BatchFiles,
  inputElements: SchemaElement[] | undefined,
): Promise<PartWriter> {
  return plan.outputFormat === 'csv'
    ? new CsvPartWriter(await HashingFile.create(path), plan)
    : new ParquetPartWriter(await ParquetFileWriter.create(path, outputSchema(plan, inputElements)), plan.version);
}

/** The output's columns: every input column (its Parquet type kept; text from CSV), then the three added. */
export function outputSchema(plan: BatchFiles, inputElements: SchemaElement[] | undefined): SchemaElement[] {
  const inputs = inputElements ? inputElements.map(outputElement) : plan.header.map(STRING_ELEMENT);
  const [probability, label, version] = OUTPUT_COLUMNS;
  return [
    ...inputs,
    { name: probability, type: 'DOUBLE', repetition_type: 'REQUIRED' },
    { name: label, type: 'INT32', repetition_type: 'REQUIRED' },
    { name: version, type: 'INT32', repetition_type: 'REQUIRED' },
  ];
}

/** The output's header line, with the input's separator when it is CSV. */
export function csvHeaderLine(plan: BatchFiles): string {
  const separator = outputSeparator(plan);
  return [...plan.header.map(csvField), ...OUTPUT_COLUMNS].join(separator) + '\n';
}

function outputSeparator(plan: BatchFiles): string {
  return plan.inputFormat === 'csv' ? (plan.delimiter ?? ',') : ',';
}

/**
 * CSV parts: a CSV input's line is copied as read and the three columns appended, which is both the
 * cheapest way and the one that keeps every input cell exactly as it was.
 */
class CsvPartWriter implements PartWriter {
  private readonly separator: string;

  constructor(
    private readonly file: HashingFile,
    private readonly plan: BatchFiles,
  ) {
    this.separator = outputSeparator(plan);
  }

  async write(rows: readonly ScoredRow[], probabilities: Float32Array, threshold: number): Promise<void> {
    const s = this.separator;
    const tail = `${s}${this.plan.version}\n`;
    let text = '';
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as ScoredRow;
      const probability = probabilities[i] as number;
      const line = row.line ?? row.values.map(csvField).join(s);
      text += `${line}${s}${probability}${s}${probability >= threshold ? 1 : 0}${tail}`;
    }
    await this.file.write(text);
  }

  close(): Promise<string> {
    return this.file.close();
  }
}

class ParquetPartWriter implements PartWriter {
  constructor(
    private readonly writer: ParquetFileWriter,
    private readonly version: number,
  ) {}

  async write(rows: readonly ScoredRow[], probabilities: Float32Array, threshold: number): Promise<void> {
    const elements = this.writer.elements;
    const inputs = elements.length - OUTPUT_COLUMNS.length;
    const columns: ParquetColumn[] = elements.slice(0, inputs).map((element, c) => ({
      element,
      data: rows.map((row) => row.values?.[c] ?? null),
    }));
    const labels = Array.from(probabilities, (p) => (p >= threshold ? 1 : 0));
    const [probability, label, version] = elements.slice(inputs) as [SchemaElement, SchemaElement, SchemaElement];
    columns.push(
      { element: probability, data: Array.from(probabilities) },
      { element: label, data: labels },
      { element: version, data: new Array<number>(rows.length).fill(this.version) },
    );
    await this.writer.write(columns);
  }

  close(): Promise<string> {
    return this.writer.close();
  }
}
