import type { PredictionLogReader } from '../monitoring/prediction-log';
import type { ModelRegistry } from '../registry/model-registry';
import { createBatchActivities } from './batch';
import { createCompareWithChampion } from './compare-champion';
import { createDeployModel } from './deploy-model';
import { createExportModel } from './export-model';
import { createMonitorActivities } from './monitor-activities';
import { createOnlineActivities } from './online';
import { createRegisterModel, createRejectModel } from './register-model';
import { createRolloutActivities } from './rollout-activities';
import { createTrainModel } from './train-model';
import { createValidateData } from './validate-data';

export interface ActivityDeps {
  registry: ModelRegistry;
  /** The scoring servers' log of predictions and feedback, read by the drift monitor. */
  predictionLog: PredictionLogReader;
  /** MLCYCLE_HOME: run scratch files live under it. */
  home: string;
  /** MLCYCLE_DATA_ROOTS: the only folders whose files activities open as data. */
  dataRoots: readonly string[];
  scoringUrl: string;
  /** MLCYCLE_ADMIN_TOKEN, when the scoring servers require it. */
  adminToken?: string;
  packageVersion: string;
  gitCommit: string | null;
}

/** Builds every activity of the main task queue with its dependencies (stream consumers: workers/stream-worker.ts). */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createLifecycleActivities(deps),
    ...createMonitorActivities(deps),
    ...createBatchActivities(deps),
    ...createOnlineActivities(deps),
  };
}

function createLifecycleActivities(deps: ActivityDeps) {
  return {
    validateData: createValidateData(deps.home, deps.dataRoots),
    trainModel: createTrainModel(deps.home),
    exportModel: createExportModel(deps.home, deps.packageVersion),
    registerModel: createRegisterModel(deps),
    rejectModel: createRejectModel(deps.registry),
    deployModel: createDeployModel(deps),
    compareWithChampion: createCompareWithChampion(deps.registry),
    ...createRolloutActivities(deps),
  };
}

export type LifecycleActivities = ReturnType<typeof createLifecycleActivities>;
