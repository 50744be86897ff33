import { log } from '@temporalio/activity';
import { join } from 'node:path';
import type { TrainedModel, ValidatedData } from '../../contracts/lifecycle-activities';
import type { OnlinePublishInput, OnlineSource } from '../../contracts/online';
import { ModelCheckError } from '../../core/errors';
import { buildBaseline } from '../../monitoring/baseline';
import { judgePublish, readCheckpoint, toTrainedModelFile, trainerFromState } from '../../models/online';
import type { FeatureSpec, RawRecord, RawTable } from '../../models/types';
import type { ExpectedOutputsFile, TrainedModelFile } from '../model-files';
import { currentRunDir, readVerifiedJson, writeJsonFile } from '../run-files';
import type { OnlineMeta } from './meta';
import type { OnlineDeps } from './start-online';

export interface OnlineCandidate {
  trained: TrainedModel;
  data: ValidatedData;
  /** The parent's data: a scheduled retrain of the candidate starts from the same file plus feedback. */
  dataUri: string;
  /** Whether the online model beats the serving version on the same recent records, and why. */
  beatsServing: boolean;
  reason: string;
}

/**
 * Turns a checkpoint into the files the batch path's export → register → deploy steps take:
 * trained.json (the online coefficients, with lineage in its params), expected.json (the most recent
 * learned records the deploy smoke test can send, with the online model's probabilities) and a drift
 * baseline of those records. Judges the candidate against the serving version on the window.
 */
export function createPrepareOnlineCandidate({ registry, home }: OnlineDeps) {
  return async function prepareOnlineCandidate(input: OnlinePublishInput): Promise<OnlineCandidate> {
    const state = await readCheckpoint(input.checkpoint.path, input.checkpoint.sha256);
    const meta = state.meta as unknown as OnlineMeta;
    const trainer = trainerFromState(state);
    const parent = await readVerifiedJson<TrainedModelFile>(meta.parentModel.path, meta.parentModel.sha256);
    const parentRecord = registry.getVersion(input.modelName, input.parentVersion);
    const lineage = {
      parentVersion: input.parentVersion,
      source: describeSource(input.source),
      fromRecord: input.fromRecord,
      toRecord: input.toRecord,
      workflowId: input.trainingWorkflowId,
    };
    const file = toTrainedModelFile(parent, trainer, {
      parentVersion: input.parentVersion,
      firstRecord: input.fromRecord,
      lastRecord: input.toRecord,
      lineage,
    });
    const records = meta.recent.records.filter((record) => servable(state.spec, record));
    if (records.length === 0) {
      throw new ModelCheckError(
        `none of the ${meta.recent.records.length} most recent records is one the scoring server accepts as it is ` +
          '(unseen categories or non-numbers): nothing to check the exported model and the deployment with',
        [],
      );
    }
    const probabilities = Array.from(trainer.learner.predict(records));
    const expected: ExpectedOutputsFile = { records, probabilities };
    const window = trainer.window.toState();
    const baseline = buildBaseline(
      tableOf(state.spec, records),
      state.spec,
      records.map((_, i) => i),
      probabilities,
      {
        rocAuc: file.metrics.rocAuc,
        logLoss: file.metrics.logLoss,
        brier: file.metrics.brier,
        positiveRate: window.labels.reduce((sum, label) => sum + label, 0) / window.labels.length,
      },
      { modelName: input.modelName, seed: input.toRecord },
    );
    const dir = await currentRunDir(home);
    const paths = {
      trained: join(dir, 'trained.json'),
      expected: join(dir, 'expected.json'),
      baseline: join(dir, 'baseline.json'),
    };
    const trained: TrainedModel = {
      trainedPath: paths.trained,
      trainedSha256: await writeJsonFile(paths.trained, file),
      expectedPath: paths.expected,
      expectedSha256: await writeJsonFile(paths.expected, expected),
      baselinePath: paths.baseline,
      baselineSha256: await writeJsonFile(paths.baseline, baseline),
      metrics: file.metrics,
      threshold: file.threshold,
      params: file.params,
    };
    const positives = window.labels.filter((label) => label === 1).length;
    const data: ValidatedData = {
      dataPath: input.checkpoint.path,
      dataSha256: input.checkpoint.sha256,
      rows: input.toRecord - input.fromRecord + 1,
      target: meta.target,
      positiveLabel: meta.positiveLabel,
      negativeLabel: `not ${meta.positiveLabel}`,
      idColumn: typeof parentRecord?.params.idColumn === 'string' ? parentRecord.params.idColumn : null,
      inputs: state.spec.inputs,
      classCounts: { [meta.positiveLabel]: positives, [`not ${meta.positiveLabel}`]: window.labels.length - positives },
      missing: [],
      profilePath: '',
    };
    const judged = judgePublish(trainer.snapshot());
    log.info('online candidate prepared', { ...lineage, beatsServing: judged.verdict, reason: judged.reason });
    return { trained, data, dataUri: parentRecord?.dataUri ?? '', beatsServing: judged.verdict, reason: judged.reason };
  };
}

export function describeSource(source: OnlineSource): string {
  return source === 'feedback' ? 'feedback' : `kafka:${source.kafka.topic}`;
}

/**
 * A record the scoring server accepts as it is (every category one the spec knows, every number a finite
 * number, a numeric string or blank), so the deploy smoke test can send it.
 */
function servable(spec: FeatureSpec, record: RawRecord): boolean {
  const levels = new Map(spec.categorical.map((c) => [c.name, new Set(c.levels)]));
  return spec.inputs.every(({ name, kind }) => {
    const value = Object.hasOwn(record, name) ? record[name] : undefined;
    if (kind === 'categorical') return typeof value === 'string' && (levels.get(name)?.has(value) ?? false);
    if (typeof value === 'string') return value.trim() === '' || Number.isFinite(Number(value));
    return value === null || (typeof value === 'number' && Number.isFinite(value));
  });
}

function tableOf(spec: FeatureSpec, records: RawRecord[]): RawTable {
  const columns: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const { name } of spec.inputs) {
    columns[name] = records.map((record) => {
      const value = record[name];
      if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return String(value);
      return '';
    });
  }
  return { header: spec.inputs.map((i) => i.name), rowCount: records.length, columns };
}
