// Online training of the logistic model: warm start from a version's coefficients, AdaGrad mini-batch
// updates with bounded steps, progressive validation against the serving version, JSON checkpoints.
export { adagradStep, type StepReport } from './adagrad';
export { ECE_BINS, expectedCalibrationError } from './calibration';
export { readCheckpoint, writeCheckpoint, type CheckpointRef } from './checkpoint';
export { OnlineLogistic } from './learner';
export { DEFAULT_BATCH_SIZE, DEFAULT_ONLINE_OPTIONS, resolveOnlineOptions, type OnlineOptions } from './options';
export {
  DEFAULT_PAUSE_RULES,
  DEFAULT_PUBLISH_RULES,
  judgePause,
  judgePublish,
  type Judgement,
  type PauseRules,
  type PublishRules,
} from './rules';
export { specSha256, trainerFromState, trainerState, type OnlineState } from './state';
export { logisticOf, toTrainedModelFile, type OnlineLineage } from './trained-file';
export { ProgressiveTrainer, type ProcessReport, type TrainerOptions } from './trainer';
export {
  DEFAULT_WINDOW_SIZE,
  ProgressiveWindow,
  type ProgressiveSnapshot,
  type WindowMetrics,
  type WindowState,
} from './window';
