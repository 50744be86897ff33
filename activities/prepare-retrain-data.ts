import { log } from '@temporalio/activity';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Papa from 'papaparse';
import type { PredictionLogReader } from '../monitoring/prediction-log';
import type { ModelRegistry } from '../registry/model-registry';
import { InvalidInputError } from '../core/errors';
import { safeFileName } from '../core/file-names';
import type { PrepareRetrainDataInput, RetrainData } from '../contracts/monitor-activities';
import { readCsvHeartbeating } from './read-csv';
import { dataPathFromUri, writeBytesFile } from './run-files';

export interface PrepareRetrainDeps {
  registry: ModelRegistry;
  predictionLog: PredictionLogReader;
  home: string;
  dataRoots: readonly string[];
}

/**
 * The training data of a drift-triggered retrain, by policy: the serving version's data, that data
 * plus the live records with feedback it does not hold yet (written as a new CSV with the same header),
 * or a new URI. Under `original+labelled`, fewer new labelled records than `minNewLabelled` write nothing.
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

    const idColumn = typeof record.params.idColumn === 'string' ? record.params.idColumn : null;
    const known = await liveIdsIn(originalPath, idColumn ? table.columns[idColumn] : undefined);
    const labelled = predictionLog.readLabelled(modelName, { to: input.windowTo });
    const fresh = labelled.ids.flatMap((id, i) => (known.has(id) ? [] : [i]));
    const counts = { liveRows: fresh.length, knownLiveRows: labelled.rows - fresh.length };
    if (fresh.length < (input.minNewLabelled ?? 0)) {
      return { dataUri: originalPath, rows: table.rowCount, ...counts, tooFewLabelled: true };
    }
    if (fresh.length === 0) return { dataUri: originalPath, rows: table.rowCount, ...counts };
    const negativeLabel = (table.columns[record.target] ?? []).find((v) => v !== '' && v !== record.positiveLabel);
    if (negativeLabel === undefined) throw new InvalidInputError(`cannot tell the negative label of ${record.target}`);
    const rows = fresh.map((i) =>
      table.header.map((column) => {
        if (column === record.target) return labelled.labels[i] === 1 ? record.positiveLabel : negativeLabel;
        if (column === idColumn) return `${LIVE_ID_PREFIX}${labelled.ids[i] ?? i}`;
        return csvCell(labelled.records[i]?.[column]);
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
    const included = [...known, ...fresh.map((i) => labelled.ids[i] ?? '')];
    await writeBytesFile(liveIdsPath(path), Buffer.from(JSON.stringify(included)));
    await writeBytesFile(path, Buffer.from(`${original.replace(/\s*$/, '')}${newline}${appended}${newline}`));
    log.info('retrain data written', { path, originalRows: table.rowCount, ...counts });
    return { dataUri: path, rows: table.rowCount + fresh.length, ...counts };
  };
}

const LIVE_ID_PREFIX = 'live-';

/** Beside each retrain CSV: the prediction ids it holds, for data without an id column to carry them. */
function liveIdsPath(csvPath: string): string {
  return `${csvPath}.live-ids.json`;
}

/**
 * The prediction ids of the live records a data set already holds (an earlier retrain appended them):
 * from the `live-` ids in its id column and from the list written beside it.
 */
async function liveIdsIn(csvPath: string, idCells: string[] | undefined): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const cell of idCells ?? []) {
    if (cell.startsWith(LIVE_ID_PREFIX)) ids.add(cell.slice(LIVE_ID_PREFIX.length));
  }
  try {
    const listed = JSON.parse(await readFile(liveIdsPath(csvPath), 'utf8')) as unknown;
    if (Array.isArray(listed)) for (const id of listed) if (typeof id === 'string') ids.add(id);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return ids;
}

/** Logged values passed the scoring server's checks: numbers, strings, or null for a blank. */
function csvCell(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'string') return String(value);
  return '';
}
