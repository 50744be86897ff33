// Typed, non-retryable failures. Each class sets an explicit `name`; activities throw them and the
// workflow lists the names in `nonRetryableErrorTypes`, so bad data fails fast instead of retrying.

/** One problem found in input data or a request; `row` is the 1-based data row (header excluded). */
import type { DataProblem } from '../contracts/data';

export type { DataProblem };

export class InvalidDataError extends Error {
  override readonly name = 'InvalidDataError';
  constructor(
    message: string,
    readonly problems: DataProblem[],
  ) {
    super(message);
  }
}

/** The exported ONNX model does not reproduce the trained model's outputs. */
export class ModelCheckError extends Error {
  override readonly name = 'ModelCheckError';
  constructor(
    message: string,
    readonly mismatches: { row: number; expected: number; actual: number }[],
  ) {
    super(message);
  }
}

/** Input of a workflow or activity is malformed (not the data, the request itself). */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';
}

/**
 * A data file the worker may not or cannot open: outside the data roots (MLCYCLE_DATA_ROOTS), not
 * found, not a regular file, or unreadable. No retry changes that.
 */
export class DataAccessError extends Error {
  override readonly name = 'DataAccessError';
}

/** The job needs more memory than a worker may give it (e.g. the training thread's heap ran out). */
export class ResourceLimitError extends Error {
  override readonly name = 'ResourceLimitError';
}

/** A stored artifact does not match its recorded sha256. */
export class ArtifactIntegrityError extends Error {
  override readonly name = 'ArtifactIntegrityError';
}

/** Online training cannot start from the serving version: none serves, it has no model file, or it is not logistic. */
export class WarmStartError extends Error {
  override readonly name = 'WarmStartError';
}

export const NON_RETRYABLE_ERROR_TYPES = [
  'InvalidDataError',
  'ModelCheckError',
  'InvalidInputError',
  'DataAccessError',
  'ArtifactIntegrityError',
  // The same data needs the same memory on a retry.
  'ResourceLimitError',
  // Training that does not converge will not converge on a retry either (models/training.ts).
  'ConvergenceError',
  'WarmStartError',
];
