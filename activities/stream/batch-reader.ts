import type { Readable } from 'node:stream';

/**
 * Micro-batches from a Kafka message stream: whatever is buffered at once (up to `max`), else the
 * records that arrive within `lingerMs` of the first. Reading drains the stream's buffer synchronously,
 * so a batch of 500 costs no 500 awaits. A stream error rejects the next read.
 */
export class BatchReader<T> {
  private error: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly stream: Readable) {
    stream.on('readable', () => this.notify());
    stream.on('error', (err: Error) => {
      this.error = err;
      this.notify();
    });
    stream.on('close', () => this.notify());
  }

  /**
   * Up to `max` records; an empty batch after `idleMs` without any (so the caller can heartbeat), or
   * as soon as `signal` aborts.
   */
  async next(max: number, lingerMs: number, idleMs: number, signal: AbortSignal): Promise<T[]> {
    const batch: T[] = [];
    this.drain(batch, max);
    if (batch.length === 0) {
      await this.waitFor(idleMs, signal);
      this.drain(batch, max);
    }
    if (batch.length > 0 && batch.length < max) {
      const until = Date.now() + lingerMs;
      while (batch.length < max && Date.now() < until && !signal.aborted) {
        await this.waitFor(until - Date.now(), signal);
        this.drain(batch, max);
      }
    }
    return batch;
  }

  private drain(batch: T[], max: number): void {
    if (this.error) throw this.error;
    while (batch.length < max) {
      const item = this.stream.read() as T | null;
      if (item === null) break;
      batch.push(item);
    }
  }

  private waitFor(ms: number, signal: AbortSignal): Promise<void> {
    if (this.error || signal.aborted || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
  }

  private notify(): void {
    this.wake?.();
  }
}
