import { parentPort, workerData } from 'node:worker_threads';
import { type PredictionLogEntry, PredictionLogWriter } from '../../monitoring/prediction-log';
import type { LoggedBatch, LogThreadReply, LogThreadRequest } from './log-thread-messages';

// The thread side of PredictionLogThread: the same writer /predict logs through, off the consumer's event loop.

const port = parentPort;
if (!port) throw new Error('log-thread-main runs only as a worker thread');
const reply = (message: LogThreadReply) => port.postMessage(message);
const writer = PredictionLogWriter.open((workerData as { home: string }).home, {
  onError: (error, during) => reply({ kind: 'write-failed', during, message: error.message }),
});

port.on('message', (request: LogThreadRequest) => {
  if (request.kind === 'append') {
    writer.append(entriesOf(request.batch));
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

/** Log entries as /predict writes them: the model's input columns of each record, values as sent. */
function entriesOf(batch: LoggedBatch): PredictionLogEntry[] {
  return batch.ids.map((id, i) => {
    const raw = JSON.parse(batch.records[i] as string) as Record<string, unknown>;
    // No prototype, so a column named like an Object.prototype member is stored as plain data.
    const features = Object.create(null) as Record<string, unknown>;
    for (const name of batch.columns) features[name] = Object.hasOwn(raw, name) ? raw[name] : undefined;
    return {
      id,
      modelName: batch.modelName,
      version: batch.version,
      time: batch.time,
      probability: batch.probabilities[i] as number,
      features,
      positiveLabel: batch.positiveLabel,
    };
  });
}
