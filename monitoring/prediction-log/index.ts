// The prediction log, split by who uses it: scoring servers write it (`PredictionLogWriter`: queue,
// flush, feedback, retention, migrations), workers read it (`PredictionLogReader`, read-only).
export { PredictionLogReader } from './reader';
export type { LabelledRecords, LabelledSince, LateLabels, ReadLateLabelsOptions, ReadWindowOptions } from './reader';
export { PredictionLogWriter } from './writer';
export type { PredictionLogStats } from './writer';
export type { FeedbackLabel, FeedbackResult } from './feedback';
export type { PredictionLogEntry, PredictionLogOptions } from './options';
export type { PruneCounts } from './retention';
export type { LoggedWindow } from './window';
