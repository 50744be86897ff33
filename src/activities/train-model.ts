import { heartbeat, log } from '@temporalio/activity';
import { join } from 'node:path';
import { sha256File } from '../data/sha256';
import { buildBaseline } from '../monitoring/baseline';
import { encodeTable, parseNumeric } from '../models/features';
import { predictProba } from '../models/logistic';
import { trainLogisticModel } from '../models/training';
import type { InputColumn, RawRecord, RawTable } from '../models/types';
import { invalidDataFailure } from './failures';
import { readCsvHeartbeating } from './read-csv';
import { currentRunDir, writeJsonFile } from './run-files';
import type { TrainedModel, TrainModelInput } from './types';
import type { TrainedModelFile, ExpectedOutputsFile } from './model-files';

export function createTrainModel(home: string) {
  return async function trainModel(input: TrainModelInput): Promise<TrainedModel> {
    const { data } = input;
    const sha256 = await sha256File(data.dataPath);
    if (sha256 !== data.dataSha256) {
      throw invalidDataFailure(`${data.dataPath} changed after validation`, [
        { code: 'data-changed', message: `sha256 is now ${sha256}, validated ${data.dataSha256}; start a new run` },
      ]);
    }
    const { table } = await readCsvHeartbeating(data.dataPath);
    const result = trainLogisticModel(table, {
      target: data.target,
      positiveLabel: data.positiveLabel,
      inputs: data.inputs,
      seed: input.seed,
      onProgress: (message) => heartbeat({ stage: 'training', message }),
    });
    const dir = await currentRunDir(home);
    const trained: TrainedModelFile = {
      modelName: input.modelName,
      algorithm: 'logistic',
      spec: result.spec,
      model: result.model,
      threshold: result.threshold,
      metrics: result.metrics,
      validationMetrics: result.validationMetrics,
      params: result.params,
    };
    const expected: ExpectedOutputsFile = {
      records: result.split.test.map((row) => rawRecordAt(table, data.inputs, row)),
      probabilities: result.testProbabilities,
    };
    // The drift baseline: what the model saw in training (train + validation rows) and how it scored them.
    const seen = [...result.split.train, ...result.split.validation];
    const baseline = buildBaseline(
      table,
      result.spec,
      seen,
      predictProba(result.model, encodeTable(result.spec, table, seen)),
      {
        rocAuc: result.metrics.rocAuc,
        logLoss: result.metrics.logLoss,
        brier: result.metrics.brier,
        positiveRate: result.metrics.positives / result.metrics.rows,
      },
      { modelName: input.modelName, seed: input.seed },
    );
    const baselinePath = join(dir, 'baseline.json');
    const baselineSha256 = await writeJsonFile(baselinePath, baseline);
    const trainedPath = join(dir, 'trained.json');
    const expectedPath = join(dir, 'expected.json');
    const trainedSha256 = await writeJsonFile(trainedPath, trained);
    const expectedSha256 = await writeJsonFile(expectedPath, expected);
    log.info('model trained', { rocAuc: result.metrics.rocAuc, l2: result.l2, iterations: result.iterations });
    return {
      trainedPath,
      trainedSha256,
      expectedPath,
      expectedSha256,
      baselinePath,
      baselineSha256,
      metrics: result.metrics,
      threshold: result.threshold,
      params: result.params,
    };
  };
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
