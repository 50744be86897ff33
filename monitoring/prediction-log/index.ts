// The prediction log, split by who uses it: scoring servers write it (`ThreadedPredictionLog`, the
// `PredictionLogWriter` in a thread of its own: queue, flush, feedback, retention, migrations), workers
// read it (`PredictionLogReader`, read-only).
export { PredictionLogReader } from './reader';
export type { LabelledRecords, LabelledSince, LateLabels, ReadLateLabelsOptions, ReadWindowOptions } from './reader';
export { PredictionLogWriter } from './writer';
export type { PredictionLogStats } from './writer';
export { PredictionLogThreadError, ThreadedPredictionLog } from './thread/threaded-log';
export type { PredictionLogSink } from './sink';
export type { FeedbackLabel, FeedbackResult } from './feedback';
export type { PredictionLogEntry, PredictionLogOptions } from './options';
export type { PruneCounts } from './retention';
export type { LoggedWindow } from './window';
