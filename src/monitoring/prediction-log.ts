// The prediction log, split by who uses it: scoring servers write it (`PredictionLogWriter`: queue,
// flush, feedback, retention, migrations), workers read it (`PredictionLogReader`, read-only).
export { PredictionLogReader } from './prediction-log-reader';
export type { LabelledRecords, LateLabels, ReadLateLabelsOptions, ReadWindowOptions } from './prediction-log-reader';
export { PredictionLogWriter } from './prediction-log-writer';
export type { PredictionLogStats } from './prediction-log-writer';
export type { FeedbackLabel, FeedbackResult } from './prediction-log-feedback';
export type { PredictionLogEntry, PredictionLogOptions } from './prediction-log-options';
export type { PruneCounts } from './prediction-log-retention';
export type { LoggedWindow } from './prediction-log-window';
