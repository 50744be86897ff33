import { Worker } from 'node:worker_threads';
import { outOfMemoryAsResourceLimit, rebuildThreadError } from './thread-errors';
import type { TrainJob } from './train-job';
import type { TrainThreadMessage } from './train-thread-messages';
import type { TrainedModel } from '../contracts/lifecycle-activities';

// Compiled (dist/), the thread loads train-thread.js like any module. From TypeScript (tests, bench)
// tsx registers its loader only in the thread that loaded it, so the thread's first act is to register
// it again (harmless where --import tsx already did); tsx is a devDependency, needed only then.
// Absolute paths, so the worker's working directory does not matter.
const TRAIN_THREAD = require.resolve('./train-thread');
const BOOTSTRAP = __filename.endsWith('.ts')
  ? `require(${JSON.stringify(require.resolve('tsx/cjs'))});\nrequire(${JSON.stringify(TRAIN_THREAD)});`
  : `require(${JSON.stringify(TRAIN_THREAD)});`;

export interface TrainThreadOptions {
  onProgress?: (message: string) => void;
  /** Aborting terminates the thread at once; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called with the thread once started (tests check it has exited when the promise settles). */
  onThread?: (thread: Worker) => void;
}

/**
 * Runs one training job in a worker thread of its own and settles when the thread has exited, so a
 * settled promise never leaves a thread computing behind it. Typed errors thrown in the thread
 * (InvalidDataError, ConvergenceError, InvalidInputError) are thrown again here as the same classes.
 */
export function runTrainJobInThread(job: TrainJob, options: TrainThreadOptions = {}): Promise<TrainedModel> {
  const { signal, onProgress } = options;
  return new Promise<TrainedModel>((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const thread = new Worker(BOOTSTRAP, { eval: true, workerData: job });
    options.onThread?.(thread);
    let outcome: { result: TrainedModel } | { error: Error } | undefined;
    const abort = () => {
      outcome ??= { error: abortReason(signal) };
      void thread.terminate();
    };
    signal?.addEventListener('abort', abort, { once: true });
    thread.on('message', (message: TrainThreadMessage) => {
      if (message.kind === 'progress') onProgress?.(message.message);
      else if (message.kind === 'result') outcome ??= { result: message.result };
      else outcome ??= { error: rebuildThreadError(message) };
    });
    // An uncaught error in the thread, e.g. ERR_WORKER_OUT_OF_MEMORY when a data set is too big for the heap.
    thread.on(
      'error',
      (error) =>
        (outcome ??= {
          error: outOfMemoryAsResourceLimit(
            error,
            (detail) =>
              `Training ran out of memory (${detail}). Train on fewer rows or columns, or give the worker more heap ` +
              '(NODE_OPTIONS=--max-old-space-size=8192).',
          ),
        }),
    );
    thread.on('exit', (code) => {
      signal?.removeEventListener('abort', abort);
      if (outcome === undefined) reject(new Error(`The training thread stopped (exit code ${code}) without a result`));
      else if ('result' in outcome) resolve(outcome.result);
      else reject(outcome.error);
    });
  });
}

function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new Error('Training was cancelled');
}
