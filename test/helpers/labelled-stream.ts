import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCsvTable } from '../../data/csv-reader';
import { writeTelcoSample, type TelcoSampleOptions } from '../../data/sample-generator';
import { inferInputColumns } from '../../data/schema';
import { encodeTable, fitFeatureSpec } from '../../models/features';
import { fitLogistic } from '../../models/logistic';
import type { FeatureSpec, InputColumn, LogisticModel, RawRecord, RawTable } from '../../models/types';

// Labelled records as an online learner receives them (feature fields plus a 0/1 label), read with
// the project's own CSV reader, and a batch model fitted on a slice of them as a serving version.

export interface LabelledStream {
  table: RawTable;
  inputs: InputColumn[];
  /** Feature fields only, in file order. */
  records: RawRecord[];
  labels: (0 | 1)[];
}

export async function readLabelledCsv(
  path: string,
  { target = 'Churn', positiveLabel = 'Yes', idColumn = 'customerID' } = {},
): Promise<LabelledStream> {
  const { table, problems } = await readCsvTable(path);
  if (problems.length > 0) throw new Error(`${path}: ${problems.map((p) => p.message).join('; ')}`);
  const { inputs } = inferInputColumns(table, { target, idColumn });
  const records = Array.from({ length: table.rowCount }, (_, row) =>
    Object.fromEntries(inputs.map(({ name }) => [name, table.columns[name]?.[row] ?? ''])),
  );
  const labels = (table.columns[target] ?? []).map((cell) => (cell === positiveLabel ? 1 : 0));
  return { table, inputs, records, labels };
}

/** Synthetic Telco customers (data/sample-generator.ts) through a temporary CSV file. */
export async function telcoStream(options: TelcoSampleOptions): Promise<LabelledStream> {
  const dir = mkdtempSync(join(tmpdir(), 'mlcycle-stream-'));
  try {
    const path = join(dir, 'stream.csv');
    await writeTelcoSample(path, options);
    return await readLabelledCsv(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A batch logistic regression (the trainer's Newton solver) fitted on `rows` of the stream. */
export function batchFit(stream: LabelledStream, rows: number[], l2 = 1): { spec: FeatureSpec; model: LogisticModel } {
  const spec = fitFeatureSpec(stream.table, stream.inputs, rows);
  const y = Uint8Array.from(rows, (row) => stream.labels[row] as number);
  const fit = fitLogistic(encodeTable(spec, stream.table, rows), y, { l2 });
  if (!fit.converged) throw new Error(`the batch fit on ${rows.length} rows did not converge`);
  return { spec, model: { weights: fit.weights, intercept: fit.intercept } };
}

export const range = (start: number, end: number): number[] => Array.from({ length: end - start }, (_, i) => start + i);
