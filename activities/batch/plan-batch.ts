import { Context, log } from '@temporalio/activity';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BatchChunk, BatchPlan, PlanBatchInput } from '../../contracts/batch-activities';
import { InvalidInputError } from '../../core/errors';
import { invalidDataFailure } from '../failures';
import { safeFileName } from '../../core/file-names';
import { sha256File } from '../../data/sha256';
import type { ModelRegistry } from '../../registry/model-registry';
import type { ModelVersionRecord } from '../../registry/types';
import { confineOutputToDataRoots, quoted } from '../data-roots';
import { currentRun, dataPathFromUri, localPathOf } from '../run-files';
import { planCsv } from './csv-plan';
import { formatOf, OUTPUT_COLUMNS } from './formats';
import { openParquet } from './parquet-files';

/** More chunks than this would only lengthen the run's history: chunks grow instead. */
export const MAX_CHUNKS = 500;
/** Rows of a run written to the prediction log at most; a larger file is sampled. */
export const LOG_SAMPLE_ROWS = 50_000;

export interface PlanDeps {
  registry: ModelRegistry;
  home: string;
  dataRoots: readonly string[];
}

/**
 * Checks a batch run before any scoring: the version exists (the serving one by default), the input
 * is a readable CSV or Parquet file inside the data roots with every column the model needs, the
 * output's folder is inside them too. Then counts the rows and cuts them into chunks. Everything it
 * refuses is a typed, non-retryable failure on the first attempt.
 */
export function createPlanBatchScore(deps: PlanDeps) {
  return async function planBatchScore(input: PlanBatchInput): Promise<BatchPlan> {
    const record = versionRecord(deps.registry, input.modelName, input.version);
    const inputPath = await dataPathFromUri(input.inputUri, deps.dataRoots, 'inputUri');
    const inputFormat = formatOf(inputPath, 'inputUri');
    const outputPath = await confineOutputToDataRoots(
      localPathOf(input.outputUri, 'outputUri'),
      deps.dataRoots,
      'outputUri',
    );
    const outputFormat = formatOf(outputPath, 'outputUri');
    if (outputPath === inputPath) throw new InvalidInputError(`outputUri ${quoted(input.outputUri)} is the input file`);
    const before = await stat(inputPath);
    const layout = await tableLayout(inputPath, inputFormat, input.chunkRows);
    const after = await stat(inputPath);
    if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) {
      throw new Error(`${inputPath} changed while it was being read; the plan is retried`);
    }
    checkColumns(layout.header, record);
    const idColumn = idColumnOf(input.idColumn, record, layout.header);
    const { workflowId, runId } = currentRun();
    const workDir = join(deps.home, 'batch', safeFileName(workflowId), safeFileName(runId));
    await mkdir(workDir, { recursive: true });
    log.info('batch planned', { rows: layout.rows, chunks: layout.chunks.length, version: record.version });
    return {
      modelName: input.modelName,
      version: record.version,
      inputPath,
      inputFormat,
      inputSha256: layout.sha256,
      inputBytes: after.size,
      inputModifiedMs: after.mtimeMs,
      header: layout.header,
      ...(layout.delimiter !== undefined ? { delimiter: layout.delimiter } : {}),
      outputPath,
      outputFormat,
      idColumn,
      rows: layout.rows,
      chunkRows: layout.chunkRows,
      chunks: layout.chunks,
      workDir,
      logSampleRows: LOG_SAMPLE_ROWS,
    };
  };
}

function versionRecord(registry: ModelRegistry, modelName: string, version: number | undefined): ModelVersionRecord {
  const record = version === undefined ? registry.getServing(modelName) : registry.getVersion(modelName, version);
  if (record) return record;
  if (version !== undefined) throw new InvalidInputError(`${modelName} has no version ${version} in the registry`);
  throw new InvalidInputError(`${modelName} has no serving version; name one with "version" or deploy one first`);
}

async function tableLayout(path: string, format: 'csv' | 'parquet', chunkRowsWanted: number) {
  const heartbeat = (bytes: number) => Context.current().heartbeat({ bytes });
  if (format === 'csv') {
    // Counted first at the size asked for, then merged when that makes too many chunks.
    const layout = await planCsv(path, chunkRowsWanted, heartbeat);
    const merged = Math.ceil(layout.chunks.length / MAX_CHUNKS);
    return { ...layout, chunks: mergeChunks(layout.chunks, merged), chunkRows: chunkRowsWanted * merged };
  }
  const parquet = await openParquet(path);
  try {
    const planned = parquetChunks(parquet.groupRows, chunkRowsWanted);
    const merged = Math.ceil(planned.length / MAX_CHUNKS);
    const header = parquet.columns.map((column) => column.name);
    return {
      header,
      delimiter: undefined,
      rows: parquet.rows,
      chunkRows: chunkRowsWanted * merged,
      chunks: mergeChunks(planned, merged),
      sha256: await sha256File(path),
    };
  } finally {
    await parquet.close();
  }
}

/**
 * Parquet chunks are whole row groups (hyparquet decodes a row group whole, whatever part of it is
 * asked for): consecutive groups while they fit in `chunkRows`, a larger group on its own.
 */
function parquetChunks(groupRows: number[], chunkRows: number): BatchChunk[] {
  const chunks: BatchChunk[] = [];
  let firstRow = 0;
  for (const rows of groupRows) {
    const last = chunks[chunks.length - 1];
    if (last && last.rows + rows <= chunkRows) last.rows += rows;
    else if (rows > 0) chunks.push({ index: chunks.length, firstRow, rows });
    firstRow += rows;
  }
  return chunks;
}

/** Every `merged` planned chunks as one. */
function mergeChunks(planned: BatchChunk[], merged: number): BatchChunk[] {
  if (merged <= 1) return planned;
  const chunks: BatchChunk[] = [];
  for (let i = 0; i < planned.length; i += merged) {
    const group = planned.slice(i, i + merged);
    const first = group[0] as BatchChunk;
    chunks.push({
      index: chunks.length,
      firstRow: first.firstRow,
      rows: group.reduce((sum, chunk) => sum + chunk.rows, 0),
      startByte: first.startByte,
      endByte: (group[group.length - 1] as BatchChunk).endByte,
    });
  }
  return chunks;
}

function checkColumns(header: string[], record: ModelVersionRecord): void {
  const present = new Set(header);
  const problems = record.spec.inputs
    .filter((input) => !present.has(input.name))
    .map((input) => ({
      code: 'missing-column',
      column: input.name,
      message: `the input has no column "${input.name}", which ${record.modelName} v${record.version} needs`,
    }));
  for (const name of OUTPUT_COLUMNS.filter((column) => present.has(column))) {
    problems.push({
      code: 'reserved-column',
      column: name,
      message: `the input already has a column "${name}", which scoring adds`,
    });
  }
  if (problems.length > 0) {
    throw invalidDataFailure(`The input cannot be scored by ${record.modelName} v${record.version}`, problems);
  }
}

function idColumnOf(given: string | undefined, record: ModelVersionRecord, header: string[]): string | null {
  if (given !== undefined) {
    if (!header.includes(given)) throw new InvalidInputError(`idColumn "${given}" is not a column of the input`);
    return given;
  }
  const trained = record.params.idColumn;
  return typeof trained === 'string' && header.includes(trained) ? trained : null;
}
