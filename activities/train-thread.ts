import { parentPort, workerData } from 'node:worker_threads';
import { runTrainJob, type TrainJob } from './train-job';
import type { TrainThreadMessage } from './train-thread-messages';

// Entry point of the training thread (started by train-in-thread.ts): runs one job and posts its
// progress, then its result or its error, to the activity on the main thread.

const port = parentPort;
if (!port) throw new Error('train-thread.ts runs only as a worker thread');
const post = (message: TrainThreadMessage) => port.postMessage(message);

runTrainJob(workerData as TrainJob, (message) => post({ kind: 'progress', message })).then(
  (result) => post({ kind: 'result', result }),
  (error: unknown) => {
    const { name, message, stack } = error instanceof Error ? error : new Error(String(error));
    const problems = (error as { problems?: unknown }).problems;
    post({ kind: 'error', name, message, stack, ...(Array.isArray(problems) && { problems }) });
  },
);
