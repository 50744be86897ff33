import { log } from '@temporalio/activity';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Papa from 'papaparse';
import type { PredictionLog } from '../monitoring/prediction-log';
import type { ModelRegistry } from '../registry/model-registry';
import { InvalidInputError } from '../shared/errors';
import { safeFileName } from '../shared/file-names';
import type { PrepareRetrainDataInput, RetrainData } from './monitor-types';
import { readCsvHeartbeating } from './read-csv';
import { dataPathFromUri, writeBytesFile } from './run-files';

export interface PrepareRetrainDeps {
  registry: ModelRegistry;
  predictionLog: PredictionLog;
  home: string;
  dataRoots: readonly string[];
}

/**
 * The training data of a drift-triggered retrain, by policy: the serving version's data, that data
 * plus every live record with feedback (written as a new CSV with the same header), or a new URI.
 */
export function createPrepareRetrainData({ registry, predictionLog, home, dataRoots }: PrepareRetrainDeps) {
  return async function prepareRetrainData(input: PrepareRetrainDataInput): Promise<RetrainData> {
    const { modelName, version, policy } = input;
    if (policy.mode === 'dataUri') {
      if (!policy.dataUri) throw new InvalidInputError('retrainPolicy mode "dataUri" needs a dataUri');
      // Checked here, before the monitor starts a retrain on it, not first in the child run.
      return {
        dataUri: await dataPathFromUri(policy.dataUri, dataRoots, 'retrainPolicy.dataUri'),
        rows: 0,
        liveRows: 0,
      };
    }
    const record = registry.getVersion(modelName, version);
    if (!record) throw new InvalidInputError(`${modelName} has no version ${version}`);
    const originalPath = await dataPathFromUri(record.dataUri, dataRoots);
    const { table, delimiter } = await readCsvHeartbeating(originalPath);
    if (policy.mode === 'original') return { dataUri: originalPath, rows: table.rowCount, liveRows: 0 };

    const labelled = predictionLog.readLabelled(modelName, { to: input.windowTo });
    if (labelled.rows === 0) return { dataUri: originalPath, rows: table.rowCount, liveRows: 0 };
    const negativeLabel = (table.columns[record.target] ?? []).find((v) => v !== '' && v !== record.positiveLabel);
    if (negativeLabel === undefined) throw new InvalidInputError(`cannot tell the negative label of ${record.target}`);
    const idColumn = typeof record.params.idColumn === 'string' ? record.params.idColumn : null;
    const rows = labelled.records.map((features, i) =>
      table.header.map((column) => {
        if (column === record.target) return labelled.labels[i] === 1 ? record.positiveLabel : negativeLabel;
        if (column === idColumn) return `live-${labelled.ids[i] ?? i}`;
        return csvCell(features[column]);
      }),
    );
    const original = await readFile(originalPath, 'utf8');
    // Same separator and line ends as the original's lines: a reader takes both from the file's start,
    // so comma lines after semicolon ones, or '\n' lines after '\r\n' ones, would not split into rows.
    const newline = original.slice(0, 1 << 16).includes('\r\n') ? '\r\n' : '\n';
    const appended = Papa.unparse(rows, { header: false, newline, delimiter });
    const dir = join(home, 'retrain', safeFileName(modelName));
    await mkdir(dir, { recursive: true });
    const path = join(dir, `${safeFileName(input.windowTo.replace(/[:.]/g, '-'))}.csv`);
    await writeBytesFile(path, Buffer.from(`${original.replace(/\s*$/, '')}${newline}${appended}${newline}`));
    log.info('retrain data written', { path, originalRows: table.rowCount, liveRows: labelled.rows });
    return { dataUri: path, rows: table.rowCount + labelled.rows, liveRows: labelled.rows };
  };
}

/** Logged values passed the scoring server's checks: numbers, strings, or null for a blank. */
function csvCell(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'string') return String(value);
  return '';
}
