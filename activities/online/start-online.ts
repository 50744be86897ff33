import { log } from '@temporalio/activity';
import type { OnlineCursor, StartOnlineInput, StartOnlineResult } from '../../contracts/online';
import { WarmStartError } from '../../core/errors';
import { logisticOf, ProgressiveTrainer, ProgressiveWindow, trainerState, writeCheckpoint } from '../../models/online';
import type { ModelRegistry } from '../../registry/model-registry';
import type { TrainedModelFile } from '../model-files';
import { currentRun, readVerifiedJson } from '../run-files';
import { checkpointDir } from './checkpoint-files';
import type { OnlineMeta } from './meta';
import { snapshotOf } from './snapshot';

export interface OnlineDeps {
  registry: ModelRegistry;
  home: string;
}

/**
 * Warm start: the learner gets the serving version's spec and coefficients (so it predicts exactly as
 * that version until its first update) and its first checkpoint, with the cursor at the source's start.
 */
export function createStartOnlineTraining({ registry, home }: OnlineDeps) {
  return async function startOnlineTraining(input: StartOnlineInput): Promise<StartOnlineResult> {
    const { modelName, settings } = input;
    const serving = registry.getServing(modelName);
    if (!serving) {
      throw new WarmStartError(`${modelName} has no serving version to start from: train and deploy one first`);
    }
    if (!serving.modelPath || !serving.modelSha256) {
      throw new WarmStartError(
        `${modelName} version ${serving.version} was registered before versions kept their model file (trained.json), ` +
          'so its coefficients are not known: retrain it (npx mlcycle retrain) and start from the new version',
      );
    }
    const file = await readVerifiedJson<TrainedModelFile>(serving.modelPath, serving.modelSha256);
    let spec, model;
    try {
      ({ spec, model } = logisticOf(file));
    } catch (error) {
      throw new WarmStartError(`${modelName} version ${serving.version}: ${(error as Error).message}`);
    }
    const trainer = ProgressiveTrainer.warmStart(spec, model, {
      batchSize: settings.batchSize,
      windowSize: settings.windowSize,
      ...(settings.learningRate === undefined ? {} : { learningRate: settings.learningRate }),
      ...(settings.l2 === undefined ? {} : { l2: settings.l2 }),
    });
    const cursor: OnlineCursor =
      input.source === 'feedback'
        ? { kind: 'feedback', labelledAfter: input.startedAt, seq: 0 }
        : { kind: 'kafka', offsets: {} };
    const meta: OnlineMeta = {
      modelName,
      parentVersion: serving.version,
      parentModel: { path: serving.modelPath, sha256: serving.modelSha256 },
      target: serving.target,
      positiveLabel: serving.positiveLabel,
      source: input.source,
      cursor,
      skipped: 0,
      lastSkipReason: null,
      alarm: new ProgressiveWindow(settings.pause.alarmWindow).toState(),
      recent: { records: [], labels: [] },
      servingVersion: serving.version,
    };
    const checkpoint = await writeCheckpoint(
      checkpointDir(home, currentRun().workflowId),
      trainerState(trainer, meta as unknown as Record<string, unknown>),
    );
    log.info('online training warm-started', { modelName, version: serving.version, checkpoint: checkpoint.path });
    return { checkpoint, parentVersion: serving.version, cursor, metrics: snapshotOf(trainer.snapshot()) };
  };
}
