import { Worker } from 'node:worker_threads';
import type { ChunkResult } from '../../contracts/batch-activities';
import { outOfMemoryAsResourceLimit, rebuildThreadError } from '../thread-errors';
import type { ChunkJob, ChunkThreadMessage } from './chunk-thread-messages';

// Compiled (dist/), the thread loads chunk-thread.js like any module; from TypeScript (tests, bench)
// tsx registers its loader only in the thread that loaded it, so the thread registers it again first.
const CHUNK_THREAD = require.resolve('./chunk-thread');
const BOOTSTRAP = __filename.endsWith('.ts')
  ? `require(${JSON.stringify(require.resolve('tsx/cjs'))});\nrequire(${JSON.stringify(CHUNK_THREAD)});`
  : `require(${JSON.stringify(CHUNK_THREAD)});`;
/**
 * A chunk keeps each block's rows alive until they are scored and written: with V8's default young
 * generation they outlive several scavenges and get copied to the old one, so a larger young
 * generation lets them die young (measured on 1M Telco rows: a fifth less time per chunk). The old
 * generation is capped, since V8 otherwise lets it grow long before collecting it: what a chunk holds
 * is bounded (a block of input, one ONNX call's rows), and two threads stay well under 1 GB.
 */
const HEAP_LIMITS = { maxYoungGenerationSizeMb: 64, maxOldGenerationSizeMb: 192 };

export interface ChunkRunOptions {
  onProgress(rowsDone: number): void;
  /** Aborting ends the thread at once; the promise then rejects with the signal's reason. */
  signal: AbortSignal;
}

/**
 * Threads that score chunks, kept between chunks (each holds its ONNX sessions): the parsing,
 * checking, ONNX calls and writing of a chunk are all CPU work on the thread that runs them, so two
 * chunks at once on one worker use two cores only in threads of their own. Idle threads do not keep
 * the process alive.
 */
export class ChunkThreads {
  private readonly idle: Worker[] = [];

  run(job: ChunkJob, options: ChunkRunOptions): Promise<ChunkResult> {
    const { signal } = options;
    if (signal.aborted) return Promise.reject(abortReason(signal));
    const thread = this.idle.pop() ?? this.spawn();
    thread.ref();
    return new Promise<ChunkResult>((resolve, reject) => {
      const settle = (outcome: () => void, keep: boolean) => {
        thread.off('message', onMessage);
        thread.off('error', onError);
        thread.off('exit', onExit);
        signal.removeEventListener('abort', onAbort);
        if (keep) {
          thread.unref();
          this.idle.push(thread);
        }
        outcome();
      };
      const onMessage = (message: ChunkThreadMessage) => {
        if (message.kind === 'progress') options.onProgress(message.rowsDone);
        else if (message.kind === 'result') settle(() => resolve(message.result), true);
        else settle(() => reject(rebuildThreadError(message)), true);
      };
      const onError = (error: Error) =>
        settle(
          () =>
            reject(
              outOfMemoryAsResourceLimit(
                error,
                (detail) =>
                  `A chunk ran out of its thread's ${HEAP_LIMITS.maxOldGenerationSizeMb} MB heap (${detail}); ` +
                  'score the file in smaller chunks (chunkRows) or with fewer columns.',
              ),
            ),
          false,
        );
      const onExit = (code: number) =>
        settle(() => reject(new Error(`The chunk thread stopped (exit code ${code}) without a result`)), false);
      const onAbort = () => {
        settle(() => reject(abortReason(signal)), false);
        void thread.terminate();
      };
      thread.on('message', onMessage);
      thread.on('error', onError);
      thread.on('exit', onExit);
      signal.addEventListener('abort', onAbort, { once: true });
      thread.postMessage(job);
    });
  }

  private spawn(): Worker {
    return new Worker(BOOTSTRAP, { eval: true, resourceLimits: HEAP_LIMITS });
  }
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error('The chunk was cancelled');
}
