// What the `batchScore` workflow and its activities pass each other: paths, digests and counts, never rows.

export type TableFormat = 'csv' | 'parquet';

/** One slice of the input a chunk activity scores: data rows [firstRow, firstRow + rows), 0-based. */
export interface BatchChunk {
  index: number;
  firstRow: number;
  rows: number;
  /** CSV only: byte range of the chunk's lines, from a line start to the next chunk's line start. */
  startByte?: number;
  endByte?: number;
}

export interface PlanBatchInput {
  modelName: string;
  version?: number;
  inputUri: string;
  outputUri: string;
  chunkRows: number;
  idColumn?: string;
}

/** The checked input and its slices; the same for every chunk and the join. */
export interface BatchPlan {
  modelName: string;
  version: number;
  inputPath: string;
  inputFormat: TableFormat;
  inputSha256: string;
  /** Size and modification time of the input when planned: a chunk refuses an input changed since. */
  inputBytes: number;
  inputModifiedMs: number;
  /** Input columns in file order. */
  header: string[];
  /** CSV only: the field separator. */
  delimiter?: string;
  outputPath: string;
  outputFormat: TableFormat;
  /** Column whose value names a row in the rejects file, or null. */
  idColumn: string | null;
  rows: number;
  chunkRows: number;
  chunks: BatchChunk[];
  /** Scratch folder of this run's parts (under MLCYCLE_HOME). */
  workDir: string;
  /** Rows the prediction log gets at most; the chunks each sample their share. */
  logSampleRows: number;
}

/** The plan without its chunk list, as every activity after the plan gets it (the list would be in history once per chunk). */
export type BatchFiles = Omit<BatchPlan, 'chunks'>;

export interface ScoreChunkInput {
  plan: BatchFiles;
  chunk: BatchChunk;
}

/** How many rows were rejected for one reason, e.g. `unseen category in "Contract"`. */
export interface RejectReasonCount {
  reason: string;
  rows: number;
}

export interface ChunkResult {
  index: number;
  rows: number;
  scoredRows: number;
  rejectedRows: number;
  partPath: string;
  partSha256: string;
  /** One line per problem: row, id, column, reason; header-less CSV. */
  rejectsPath: string;
  rejectsSha256: string;
  /** JSON lines of the chunk's sample for the prediction log. */
  logPath: string;
  logSha256: string;
  loggedRows: number;
  reasons: RejectReasonCount[];
}

export interface JoinBatchInput {
  plan: BatchFiles;
  parts: ChunkResult[];
  /** The run failed on its error rate: write only the rejects, so the user sees why. */
  rejectsOnly?: boolean;
}

export interface JoinBatchResult {
  outputPath?: string;
  outputSha256?: string;
  rejectsPath?: string;
  rejectsSha256?: string;
}

export interface LogBatchInput {
  plan: BatchFiles;
  parts: ChunkResult[];
}

export interface LogBatchResult {
  loggedRows: number;
}
