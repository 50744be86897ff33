// Everything the worker's workflow bundle contains: one workflow a file, re-exported here.
export { driftMonitor } from './drift-monitor';
export { mlLifecycle, progressQuery } from './ml-lifecycle';
export { approveUpdate, rejectUpdate } from './lifecycle-release';
export { scheduledRetrain } from './scheduled-retrain';
export { batchScore, batchScoreProgressQuery } from './batch-score';
export { streamScore, streamScoreProgressQuery, streamProgressSignal } from './stream-score';
export { onlineTraining, onlineProgressQuery, pauseSignal, resumeSignal, stopSignal } from './online-training';
export { onlinePublish } from './online-publish';
