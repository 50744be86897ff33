import { parentPort } from 'node:worker_threads';
import type { ModelVersionRecord } from '../../registry/types';
import { scoreChunk } from './chunk-job';
import type { ChunkJob, ChunkThreadMessage } from './chunk-thread-messages';
import { ScorerCache } from './scorer-cache';

// Entry point of a chunk thread (started by chunk-threads.ts): scores the chunks it is sent, one at
// a time, with an ONNX session per version loaded once in this thread, and posts progress, then the
// result or the error, to the activity on the main thread.

const port = parentPort;
if (!port) throw new Error('chunk-thread.ts runs only as a worker thread');
const post = (message: ChunkThreadMessage) => port.postMessage(message);
const scorers = new ScorerCache();

port.on('message', (job: ChunkJob) => {
  const { model } = job;
  scorers
    .get(model as Pick<ModelVersionRecord, 'modelName' | 'version' | 'artifactPath' | 'artifactSha256'>)
    .then((scorer) =>
      scoreChunk(
        job.plan,
        job.chunk,
        { spec: model.spec, threshold: model.threshold, scorer },
        { onProgress: (rowsDone) => post({ kind: 'progress', rowsDone }) },
      ),
    )
    .then(
      (result) => post({ kind: 'result', result }),
      (error: unknown) => {
        const { name, message, stack } = error instanceof Error ? error : new Error(String(error));
        post({ kind: 'error', name, message, ...(stack !== undefined && { stack }) });
      },
    );
});
