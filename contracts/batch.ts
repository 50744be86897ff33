import { Type, type Static } from 'typebox';
import { ColumnName, ModelName } from './common';

/** Absolute path or file:// URI of a CSV (with a header row) or Parquet file; the format is read from the extension. */
export const TableUri = Type.String({
  minLength: 1,
  description: 'absolute path or file:// URI of a .csv or .parquet file',
});

/** `batchScore` input: plain JSON, so the Temporal CLI can start it. */
export const BatchScoreInputSchema = Type.Object({
  modelName: ModelName,
  /** Defaults to the version serving when the run starts; the version used is in the result and in every output row. */
  version: Type.Optional(Type.Integer({ minimum: 1 })),
  inputUri: TableUri,
  /** Written in the format its extension names (.csv or .parquet); atomically, once every chunk is scored. */
  outputUri: TableUri,
  /** Rows a chunk activity scores (default 100,000). */
  chunkRows: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000_000 })),
  /** Largest share of rejected rows before the run fails (default 0.01). */
  maxErrorRate: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  /** Column that identifies a row (kept in the output, never fed to the model; default: the version's id column). */
  idColumn: Type.Optional(ColumnName),
});
export type BatchScoreInput = Static<typeof BatchScoreInputSchema>;

export interface BatchScoreResult {
  modelName: string;
  version: number;
  /** Data rows read from the input. */
  rows: number;
  scoredRows: number;
  rejectedRows: number;
  outputUri: string;
  outputSha256: string;
  /** Present when any row was rejected: a CSV of row number, column and reason. */
  rejectsUri?: string;
  rejectsSha256?: string;
  /** Scored rows written to the prediction log; fewer than scoredRows when the file was sampled. */
  loggedRows: number;
  logSampled: boolean;
  seconds: number;
}

/** The `progress` query of a `batchScore` run. */
export interface BatchScoreProgress {
  modelName: string;
  version: number | null;
  phase: 'checking' | 'planning' | 'scoring' | 'joining' | 'logging' | 'done' | 'failed';
  rowsDone: number;
  /** Null until the input has been counted. */
  rowsTotal: number | null;
  rejectedRows: number;
  chunksDone: number;
  chunksTotal: number | null;
  rowsPerSecond: number;
}
