import { Worker } from 'node:worker_threads';
import type { FeedbackLabel, FeedbackResult } from '../../monitoring/prediction-log';
import type { LoggedBatch, LogThreadReply, LogThreadRequest } from './log-thread-messages';

// As activities/train-in-thread.ts: from TypeScript (tests) the thread registers tsx again first.
const THREAD = require.resolve('./log-thread-main');
const BOOTSTRAP = __filename.endsWith('.ts')
  ? `require(${JSON.stringify(require.resolve('tsx/cjs'))});\nrequire(${JSON.stringify(THREAD)});`
  : `require(${JSON.stringify(THREAD)});`;

/**
 * A stream's prediction log, written by `PredictionLogWriter` (the writer /predict and /feedback use) in
 * a thread of its own: at 20,000 records a second the SQLite inserts would otherwise take most of the
 * consumer's event loop. `append` only posts; feedback is answered once the thread has stored it.
 */
export class PredictionLogThread {
  private readonly thread: Worker;
  private readonly pending = new Map<number, { resolve: (r: FeedbackResult) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private readonly exited: Promise<void>;

  constructor(
    home: string,
    private readonly onProblem: (message: string, fatal: boolean) => void,
  ) {
    this.thread = new Worker(BOOTSTRAP, { eval: true, workerData: { home } });
    this.thread.on('message', (reply: LogThreadReply) => this.receive(reply));
    this.thread.on('error', (error) => onProblem(`the prediction log thread failed: ${error.message}`, true));
    this.exited = new Promise((resolve) => this.thread.once('exit', () => resolve()));
    void this.exited.then(() => {
      for (const { reject } of this.pending.values()) reject(new Error('the prediction log thread has stopped'));
      this.pending.clear();
    });
  }

  append(batch: LoggedBatch): void {
    if (batch.ids.length > 0) this.post({ kind: 'append', batch });
  }

  recordFeedback(labels: FeedbackLabel[]): Promise<FeedbackResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.post({ kind: 'feedback', id, labels });
    });
  }

  /** Writes what is queued and ends the thread. */
  async close(): Promise<void> {
    this.post({ kind: 'close' });
    await this.exited;
  }

  private post(request: LogThreadRequest): void {
    this.thread.postMessage(request);
  }

  private receive(reply: LogThreadReply): void {
    if (reply.kind === 'feedback' || reply.kind === 'feedback-failed') {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.kind === 'feedback') waiting?.resolve(reply.result);
      else waiting?.reject(new Error(reply.message));
    } else if (reply.kind === 'write-failed') {
      // The writer keeps the entries and retries; worth a warning, not the stream.
      this.onProblem(`prediction log ${reply.during} failed: ${reply.message}`, false);
    }
  }
}
