import { join } from 'node:path';
import { readCsvTable } from '../data/csv-reader';
import { sha256File } from '../data/sha256';
import { buildBaseline } from '../monitoring/baseline';
import { parseNumeric } from '../models/features';
import { sharedRowCount } from '../models/leakage';
import { applyCalibration, type Calibration } from '../models/calibration';
import { scoreChosenRows, trainChosenModel } from '../models/train-chosen';
import type { InputColumn, RawRecord, RawTable } from '../models/types';
import { InvalidDataError, type DataProblem } from '../core/errors';
import type { ExpectedOutputsFile, TrainedModelFile } from './model-files';
import { writeJsonFile } from './run-files';
import type { TrainedModel, TrainModelInput } from '../contracts/lifecycle-activities';

// The CPU-heavy part of the train step, with no Temporal in it: it runs in a worker thread
// (train-thread.ts) so the worker's event loop keeps heartbeating and serving other runs.

export interface TrainJob extends TrainModelInput {
  /** Where trained.json, expected.json and baseline.json go (the run's scratch folder). */
  outDir: string;
}

/**
 * Rows shared by test and training are reported from this share of the test rows: data with few,
 * coarse columns repeats some rows by nature (0.4% of the synthetic Telco rows), a copied file far more.
 */
export const SHARED_ROWS_WARNING_SHARE = 0.01;

/** Held-back rows kept for the export check and the deploy smoke test: enough to catch any mismatch. */
export const MAX_EXPECTED_ROWS = 20_000;

export async function runTrainJob(job: TrainJob, progress: (message: string) => void): Promise<TrainedModel> {
  const { data, seed, modelName, outDir } = job;
  const sha256 = await sha256File(data.dataPath);
  if (sha256 !== data.dataSha256) {
    throw new InvalidDataError(`${data.dataPath} changed after validation`, [
      { code: 'data-changed', message: `sha256 is now ${sha256}, validated ${data.dataSha256}; start a new run` },
    ]);
  }
  const { table } = await readCsvTable(data.dataPath, { onProgress: (rows) => progress(`read ${rows} rows`) });
  const result = trainChosenModel(table, {
    target: data.target,
    positiveLabel: data.positiveLabel,
    inputs: data.inputs,
    seed,
    ...(job.calibration ? { calibration: job.calibration } : {}),
    ...(job.thresholdObjective ? { thresholdObjective: job.thresholdObjective } : {}),
    ...(job.classWeights ? { classWeights: job.classWeights } : {}),
    onProgress: progress,
    ...(job.algorithm ? { algorithm: job.algorithm } : {}),
    ...(job.gbdt ? { gbdt: job.gbdt } : {}),
  });
  const warnings = sharedRowWarnings(table, data, result.finalRows, result.split.test);
  if (result.thresholdWarning) warnings.push({ code: 'threshold-target-not-met', message: result.thresholdWarning });
  const trained: TrainedModelFile = {
    modelName,
    algorithm: result.algorithm,
    spec: result.spec,
    model: result.model,
    threshold: result.threshold,
    target: { name: data.target, positiveLabel: data.positiveLabel, negativeLabel: data.negativeLabel },
    ...(result.calibration ? { calibration: result.calibration } : {}),
    metrics: result.metrics,
    validationMetrics: result.validationMetrics,
    params: result.params,
  };
  const expectedRows = Math.min(result.split.test.length, MAX_EXPECTED_ROWS);
  const expected: ExpectedOutputsFile = {
    records: result.split.test.slice(0, expectedRows).map((row) => rawRecordAt(table, data.inputs, row)),
    probabilities: result.testProbabilities.slice(0, expectedRows),
    labels: result.testLabels.slice(0, expectedRows),
  };
  progress(`Building the drift baseline on ${result.finalRows.length} rows`);
  // The drift baseline: what the model saw in training (train + validation rows) and how the chosen model scored them.
  const baseline = buildBaseline(
    table,
    result.spec,
    result.finalRows,
    calibrated(result.calibration, scoreChosenRows(result, table, result.finalRows)),
    {
      rocAuc: result.metrics.rocAuc,
      logLoss: result.metrics.logLoss,
      brier: result.metrics.brier,
      positiveRate: result.metrics.positives / result.metrics.rows,
    },
    { modelName, seed },
  );
  const baselinePath = join(outDir, 'baseline.json');
  const trainedPath = join(outDir, 'trained.json');
  const expectedPath = join(outDir, 'expected.json');
  return {
    trainedPath,
    trainedSha256: await writeJsonFile(trainedPath, trained),
    expectedPath,
    expectedSha256: await writeJsonFile(expectedPath, expected),
    baselinePath,
    baselineSha256: await writeJsonFile(baselinePath, baseline),
    metrics: result.metrics,
    threshold: result.threshold,
    params: result.params,
    warnings,
  };
}

/** Calibrated as every served probability is, so drift compares like with like (no copy without calibration). */
function calibrated(calibration: Calibration | undefined, probabilities: Float64Array): ArrayLike<number> {
  return calibration ? applyCalibration(calibration, probabilities) : probabilities;
}

/** A warning when test rows repeat rows the model was fitted on (the id column is left out of the comparison). */
function sharedRowWarnings(
  table: RawTable,
  data: TrainJob['data'],
  fittedRows: readonly number[],
  testRows: readonly number[],
): DataProblem[] {
  const columns = [...data.inputs.map((input) => input.name), data.target];
  const shared = sharedRowCount(table, columns, fittedRows, testRows);
  if (shared === 0 || shared < SHARED_ROWS_WARNING_SHARE * testRows.length) return [];
  const share = ((shared / testRows.length) * 100).toFixed(1);
  return [
    {
      code: 'rows-shared-by-train-and-test',
      count: shared,
      message: `${shared} of the ${testRows.length} test rows (${share}%) also occur among the training rows (all columns but the id equal): the test metrics overstate how the model does on new data. Remove duplicate rows.`,
    },
  ];
}

/** A CSV row as a scoring client would send it: numbers for numeric columns (null when blank), strings otherwise. */
function rawRecordAt(table: RawTable, inputs: InputColumn[], row: number): RawRecord {
  const record: RawRecord = {};
  for (const { name, kind } of inputs) {
    const raw = table.columns[name]?.[row] ?? '';
    if (kind === 'numeric') {
      const value = parseNumeric(raw);
      record[name] = Number.isNaN(value) ? null : value;
    } else {
      record[name] = raw;
    }
  }
  return record;
}
