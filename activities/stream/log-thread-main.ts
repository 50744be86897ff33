import { parentPort, workerData } from 'node:worker_threads';
import { PredictionLogWriter } from '../../monitoring/prediction-log';
import type { LogThreadReply, LogThreadRequest } from './log-thread-messages';

// The thread side of PredictionLogThread: the same writer /predict logs through, off the consumer's event loop.

const port = parentPort;
if (!port) throw new Error('log-thread-main runs only as a worker thread');
const reply = (message: LogThreadReply) => port.postMessage(message);
const writer = PredictionLogWriter.open((workerData as { home: string }).home, {
  onError: (error, during) => reply({ kind: 'write-failed', during, message: error.message }),
});

port.on('message', (request: LogThreadRequest) => {
  if (request.kind === 'append') {
    writer.append(request.entries);
  } else if (request.kind === 'feedback') {
    try {
      reply({ kind: 'feedback', id: request.id, result: writer.recordFeedback(request.labels) });
    } catch (error) {
      reply({ kind: 'feedback-failed', id: request.id, message: (error as Error).message });
    }
  } else {
    writer.close(); // writes what is queued
    reply({ kind: 'closed' });
    port.close();
  }
});
