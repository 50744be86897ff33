import { InvalidDataError, InvalidInputError, ResourceLimitError, type DataProblem } from '../core/errors';
import { ConvergenceError } from '../models/training';

/** An error as a worker thread posts it: errors cross threads as plain data, not as their classes. */
export interface ThreadErrorMessage {
  name: string;
  message: string;
  stack?: string;
  problems?: DataProblem[];
}

/**
 * The thread's error as the same kind of error here: the typed ones as their classes (problems kept),
 * any other with its name, which is the failure type Temporal reports and retries by.
 */
export function rebuildThreadError(message: ThreadErrorMessage): Error {
  let error: Error;
  if (message.name === 'InvalidDataError') error = new InvalidDataError(message.message, message.problems ?? []);
  else if (message.name === 'ConvergenceError') error = new ConvergenceError(message.message);
  else if (message.name === 'InvalidInputError') error = new InvalidInputError(message.message);
  else {
    error = new Error(message.message);
    error.name = message.name;
  }
  if (message.stack !== undefined) error.stack = message.stack;
  return error;
}

/**
 * Running out of a thread's heap is not a passing fault: the same work would run out again on a retry,
 * so it becomes a non-retryable ResourceLimitError saying what to do (`advice(error message)`).
 */
export function outOfMemoryAsResourceLimit(error: Error, advice: (message: string) => string): Error {
  if ((error as NodeJS.ErrnoException).code !== 'ERR_WORKER_OUT_OF_MEMORY') return error;
  return new ResourceLimitError(advice(error.message));
}
