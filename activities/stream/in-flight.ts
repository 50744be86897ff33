/**
 * Sends of result batches still waiting for the broker's acknowledgement. Up to `max` are in flight at
 * once, so scoring the next batch overlaps the round trip of the last; they are settled oldest first,
 * so `onAcked` sees batches in the order they were read and offsets are never committed past a batch
 * that is not acknowledged. A failed send throws when it is settled; batches after it are never acked.
 */
export class InFlightSends<T> {
  private readonly queue: { item: T; done: Promise<Error | undefined>; finished: boolean }[] = [];

  constructor(
    private readonly max: number,
    private readonly onAcked: (item: T) => void,
  ) {}

  /** Starts tracking a send; waits while `max` are in flight. */
  async add(item: T, send: Promise<unknown>): Promise<void> {
    // Caught here, so a failure is never an unhandled rejection while older sends are awaited.
    const done = send.then(
      () => undefined,
      (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
    );
    const entry = { item, done, finished: false };
    void done.then(() => {
      entry.finished = true;
    });
    this.queue.push(entry);
    while (this.queue.length >= this.max) await this.settleOldest();
  }

  /** Settles the oldest sends that have already finished, without waiting (a quiet stream still commits). */
  async settleFinished(): Promise<void> {
    while (this.queue[0]?.finished) await this.settleOldest();
  }

  /** Waits for every send in flight (before the last commit). */
  async drain(): Promise<void> {
    while (this.queue.length > 0) await this.settleOldest();
  }

  private async settleOldest(): Promise<void> {
    const oldest = this.queue.shift();
    if (!oldest) return;
    const error = await oldest.done;
    if (error) throw error;
    this.onAcked(oldest.item);
  }
}
