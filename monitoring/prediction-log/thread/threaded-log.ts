import { Worker } from 'node:worker_threads';
import type { FeedbackLabel, FeedbackResult } from '../feedback';
import { isWellFormed, settingsFrom } from '../options';
import type { PredictionLogEntry, PredictionLogOptions } from '../options';
import { BoundedQueue } from '../queue';
import type { PruneCounts } from '../retention';
import type { PredictionLogSink } from '../sink';
import type { PredictionLogStats } from '../writer';
import type { ThreadAnswer, ThreadData, ThreadReply, ThreadRequest } from './messages';

// As activities/train-in-thread.ts: from TypeScript (tests, tsx) the thread registers tsx again first.
const THREAD = require.resolve('./main');
const BOOTSTRAP = __filename.endsWith('.ts')
  ? `require(${JSON.stringify(require.resolve('tsx/cjs'))});\nrequire(${JSON.stringify(THREAD)});`
  : `require(${JSON.stringify(THREAD)});`;

/**
 * Entries go to the thread every few milliseconds, or at once when this many wait: one message per
 * request would cost the event loop a postMessage each (ORT answers each request in a turn of its own).
 */
const POST_EVERY_MS = 10;
const POST_AT_ENTRIES = 256;

const NO_STATS: PredictionLogStats = {
  queued: 0,
  written: 0,
  dropped: 0,
  rejected: 0,
  writeErrors: 0,
  lastError: null,
  pruned: { byAge: 0, byCount: 0 },
};

/** An error the thread answered with; `code` is SQLite's when it came from there (e.g. SQLITE_BUSY). */
export class PredictionLogThreadError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'PredictionLogThreadError';
  }
}

/**
 * The prediction log a scoring server runs: `PredictionLogWriter` in a worker thread, so its SQLite
 * writes, pruning and WAL checkpoints never hold the server's event loop. `append` only queues here
 * (bounded: past `maxQueue` the oldest go, counted in `dropped`) and what was appended goes to the thread
 * as one message every 10 ms; while the thread has `maxBatch` entries not yet taken (a
 * locked database, a long prune), nothing more is posted and the queue here absorbs the wait. Feedback,
 * flush and prune are answered by the thread, after every entry appended before them.
 */
export class ThreadedPredictionLog implements PredictionLogSink {
  private readonly queue: BoundedQueue<PredictionLogEntry>;
  private readonly maxBatch: number;
  private readonly waiting = new Map<number, { resolve: (answer: ThreadAnswer) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  /** Entries posted to the thread and not yet taken by its writer. */
  private inFlight = 0;
  private posting: NodeJS.Timeout | undefined;
  private threadStats: PredictionLogStats = NO_STATS;
  private rejected = 0;
  private lateDrops = 0;
  private lastError: string | null = null;
  private closed = false;
  private stopped = false;
  private closedCleanly = false;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly thread: Worker,
    options: Omit<PredictionLogOptions, 'onError'>,
    private readonly onError: NonNullable<PredictionLogOptions['onError']>,
  ) {
    const settings = settingsFrom(options);
    this.queue = new BoundedQueue(settings.maxQueue);
    this.maxBatch = settings.maxBatch;
    this.thread.on('message', (reply: ThreadReply) => this.receive(reply));
    this.thread.on('error', (error) => this.report(new Error(`the prediction log thread failed: ${error.message}`)));
    this.exited = new Promise((resolve) => this.thread.once('exit', () => resolve()));
    void this.exited.then(() => this.onExit());
    // Like the writer's timer, the log does not keep an otherwise finished process alive; awaited answers do.
    this.thread.unref();
  }

  /** Starts the thread and waits until it has opened (created, migrated) the log; its refusal rejects. */
  static async open(home: string, options: PredictionLogOptions = {}): Promise<ThreadedPredictionLog> {
    const { onError, ...rest } = options;
    settingsFrom(rest); // a bad limit is refused here, not in the thread
    const workerData: ThreadData = { home, options: rest };
    const thread = new Worker(BOOTSTRAP, { eval: true, workerData });
    const first = await new Promise<ThreadReply>((resolve, reject) => {
      const onExit = (code: number) =>
        reject(new Error(`the prediction log thread exited (code ${code}) before opening`));
      thread.once('error', reject);
      thread.once('exit', onExit);
      thread.once('message', (reply: ThreadReply) => {
        // Only these two: the worker's own listeners (which keep its port referenced) must stay.
        thread.off('error', reject);
        thread.off('exit', onExit);
        resolve(reply);
      });
    });
    if (first.kind !== 'ready') {
      await thread.terminate();
      throw new Error(first.kind === 'open-failed' ? first.message : `prediction log thread: unexpected ${first.kind}`);
    }
    const log = new ThreadedPredictionLog(
      thread,
      rest,
      onError ?? ((error, during) => console.error(`prediction log: ${during} failed: ${error.message}`)),
    );
    log.threadStats = first.stats;
    return log;
  }

  /** Queues entries for the thread; never throws and never waits. */
  append(entries: readonly PredictionLogEntry[]): void {
    if (this.closed || this.stopped) {
      this.lateDrops += entries.length;
      return;
    }
    const valid = entries.filter(isWellFormed);
    this.rejected += entries.length - valid.length;
    this.queue.push(valid);
    if (this.queue.length >= POST_AT_ENTRIES) this.post(false);
    else if (!this.posting) {
      this.posting = setTimeout(() => {
        this.posting = undefined;
        this.post(false);
      }, POST_EVERY_MS);
      // Like the writer's own timer: a process done with everything else may exit (its owner closes the log).
      this.posting.unref();
    }
  }

  /** Stores true outcomes, after every prediction appended before the call; see `PredictionLogWriter.recordFeedback`. */
  async recordFeedback(labels: readonly FeedbackLabel[], now?: number): Promise<FeedbackResult> {
    return (await this.ask({ kind: 'feedback', id: 0, labels: [...labels], now })) as FeedbackResult;
  }

  /** Resolves once everything appended before the call is written; returns the entries the thread wrote then. */
  async flush(): Promise<number> {
    return (await this.ask({ kind: 'flush', id: 0 })) as number;
  }

  /** Prunes by the retention rules now, in the thread. */
  async prune(now?: number): Promise<PruneCounts> {
    return (await this.ask({ kind: 'prune', id: 0, now })) as PruneCounts;
  }

  /** The counts as of the thread's last message; `refreshStats` asks it for current ones. */
  stats(): PredictionLogStats {
    const thread = this.threadStats;
    return {
      ...thread,
      queued: this.queue.length + this.inFlight + thread.queued,
      dropped: this.queue.dropped + this.lateDrops + thread.dropped,
      rejected: this.rejected + thread.rejected,
      lastError: this.lastError ?? thread.lastError,
      pruned: { ...thread.pruned },
    };
  }

  async refreshStats(): Promise<PredictionLogStats> {
    if (!this.closed && !this.stopped) await this.ask({ kind: 'stats', id: 0 }).catch(() => undefined);
    return this.stats();
  }

  /** Hands the thread everything queued, lets it write it and close the database, and waits for it to end. */
  async close(): Promise<void> {
    if (this.closed) return this.exited;
    this.closed = true;
    if (this.posting) clearTimeout(this.posting);
    if (!this.stopped) {
      this.post(true);
      this.thread.ref();
      this.send({ kind: 'close' });
    }
    await this.exited;
  }

  private ask(
    request: Exclude<ThreadRequest, { kind: 'append' | 'close' }>,
  ): Promise<Extract<ThreadAnswer, { kind: 'answer' }>['value']> {
    if (this.closed || this.stopped) return Promise.reject(new Error('the prediction log is closed'));
    // What was appended before goes first: a label may follow its prediction within the same turn.
    this.post(true);
    const id = this.nextId++;
    const answered = new Promise<ThreadAnswer>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    this.thread.ref();
    this.send({ ...request, id });
    return answered.then((answer) => {
      if (answer.kind === 'failed') throw new PredictionLogThreadError(answer.message, answer.code);
      return answer.value;
    });
  }

  /** Posts queued entries in batches of `maxBatch`; unless `all`, only while the thread keeps up. */
  private post(all: boolean): void {
    while (this.queue.length > 0 && (all || this.inFlight < this.maxBatch)) {
      const entries = this.queue.take(this.maxBatch);
      this.inFlight += entries.length;
      this.send({ kind: 'append', entries });
    }
  }

  private send(request: ThreadRequest): void {
    this.thread.postMessage(request);
  }

  private receive(reply: ThreadReply): void {
    if ('stats' in reply) this.threadStats = reply.stats;
    if (reply.kind === 'taken') {
      this.inFlight -= reply.count;
      if (this.queue.length > 0 && !this.posting) this.post(false);
    } else if (reply.kind === 'answer' || reply.kind === 'failed') {
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0 && !this.closed) this.thread.unref();
      waiter?.resolve(reply);
    } else if (reply.kind === 'error') {
      this.report(new Error(reply.message), reply.during);
    } else if (reply.kind === 'closed') {
      // The thread takes every message before `close`: nothing posted is still on its way.
      this.inFlight = 0;
      this.closedCleanly = true;
    }
  }

  private onExit(): void {
    this.stopped = true;
    // Whatever the thread had not written is gone with it (a clean close counts its own losses).
    const lost = this.closedCleanly ? 0 : this.threadStats.queued;
    this.threadStats = { ...this.threadStats, queued: 0 };
    this.lateDrops += this.queue.length + this.inFlight + lost;
    this.queue.take(this.queue.length);
    this.inFlight = 0;
    for (const { reject } of this.waiting.values()) reject(new Error('the prediction log thread has stopped'));
    this.waiting.clear();
  }

  private report(error: Error, during: 'write' | 'prune' = 'write'): void {
    this.lastError = error.message;
    try {
      this.onError(error, during);
    } catch {
      // A failing error callback must not take the server's log down with it.
    }
  }
}
