import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readCsvTable } from '../../data/csv-reader';
import { inferInputColumns } from '../../data/schema';
import { exportLogisticToOnnx } from '../../models/onnx-export';
import { trainLogisticModel } from '../../models/training';
import type { LogisticModel, RawTable } from '../../models/types';
import type { ModelVersionRecord } from '../../registry/types';
import { TELCO_CSV } from '../helpers/paths';
import type { Fixture } from './helpers';

/** The real Telco table: cells as the CSV holds them (trimmed text, '' for the 11 blank TotalCharges). */
export async function readTelco(): Promise<RawTable> {
  return (await readCsvTable(TELCO_CSV)).table;
}

/**
 * A version trained on the real Telco data as the train step does (seeded split, l2 and threshold by
 * validation), exported to ONNX with its preprocessing in the graph. Different seeds give versions
 * that answer differently.
 */
export async function telcoVersion(
  fixture: Fixture,
  table: RawTable,
  name: string,
  version: number,
  seed: number,
): Promise<{ record: ModelVersionRecord; model: LogisticModel }> {
  const { inputs } = inferInputColumns(table, { target: 'Churn', idColumn: 'customerID' });
  const fitted = trainLogisticModel(table, { target: 'Churn', positiveLabel: 'Yes', inputs, seed });
  const bytes = exportLogisticToOnnx(fitted.spec, fitted.model, { modelName: name, version, producerVersion: 'test' });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const artifactPath = join(fixture.dir, `telco-${name}-${version}-${sha256}.onnx`);
  await writeFile(artifactPath, bytes);
  const base = await fixture.version(name, 1);
  const record = {
    ...base,
    version,
    artifactPath,
    artifactSha256: sha256,
    spec: fitted.spec,
    threshold: fitted.threshold,
  };
  return { record, model: fitted.model };
}

/** The given rows of the table as CSV text with its header, the id and target columns included. */
export function telcoCsv(table: RawTable, rows: number[]): string {
  const quote = (cell: string) => (/[",\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
  const lines = rows.map((row) => table.header.map((name) => quote(table.columns[name]?.[row] ?? '')).join(','));
  return [table.header.join(','), ...lines].join('\n') + '\n';
}

/** Rows of the table as records of text cells, as a client forwarding CSV rows sends them. */
export function telcoRecords(table: RawTable, rows: number[]): Record<string, string>[] {
  return rows.map((row) => Object.fromEntries(table.header.map((name) => [name, table.columns[name]?.[row] ?? ''])));
}
