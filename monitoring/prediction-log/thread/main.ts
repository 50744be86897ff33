import { parentPort, workerData } from 'node:worker_threads';
import { PredictionLogWriter } from '../writer';
import type { ThreadData, ThreadReply, ThreadRequest } from './messages';

// The thread side of ThreadedPredictionLog: the synchronous writer, its timer, its pruning and SQLite's
// checkpoints all run here, on an event loop no request waits on.

const port = parentPort;
if (!port) throw new Error('the prediction log thread runs only as a worker thread');
const reply = (message: ThreadReply) => port.postMessage(message);
const { home, options } = workerData as ThreadData;

let writer: PredictionLogWriter;
try {
  writer = PredictionLogWriter.open(home, {
    ...options,
    onError: (error, during) => reply({ kind: 'error', during, message: error.message }),
  });
  reply({ kind: 'ready', stats: writer.stats() });
} catch (error) {
  reply({ kind: 'open-failed', message: (error as Error).message });
  port.close();
}

port.on('message', (request: ThreadRequest) => {
  switch (request.kind) {
    case 'append':
      writer.append(request.entries);
      return reply({ kind: 'taken', count: request.entries.length, stats: writer.stats() });
    case 'close':
      writer.close(); // writes what is queued
      reply({ kind: 'closed', stats: writer.stats() });
      return port.close();
    default:
      return answer(request);
  }
});

function answer(request: Exclude<ThreadRequest, { kind: 'append' | 'close' }>): void {
  try {
    const value =
      request.kind === 'feedback'
        ? writer.recordFeedback(request.labels, request.now)
        : request.kind === 'prune'
          ? writer.prune(request.now)
          : request.kind === 'flush'
            ? writer.flush()
            : null;
    reply({ kind: 'answer', id: request.id, value, stats: writer.stats() });
  } catch (error) {
    const { message, code } = error as Error & { code?: unknown };
    const failed = { kind: 'failed', id: request.id, message, stats: writer.stats() } as const;
    reply(typeof code === 'string' ? { ...failed, code } : failed);
  }
}
