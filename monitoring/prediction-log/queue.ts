/**
 * A FIFO that never holds more than `capacity` items: when full, the oldest go, and are counted. Losing
 * the oldest unwritten predictions is better than a scoring server that grows until it dies while the
 * disk is full or the database locked.
 */
export class BoundedQueue<T> {
  private items: T[] = [];
  private droppedCount = 0;

  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity > 0)) throw new RangeError(`capacity must be a positive integer`);
  }

  get length(): number {
    return this.items.length;
  }

  get dropped(): number {
    return this.droppedCount;
  }

  push(items: readonly T[]): void {
    for (const item of items) this.items.push(item);
    this.trim();
  }

  /** Puts back items taken with `take` that could not be written, ahead of newer ones. */
  unshift(items: readonly T[]): void {
    this.items = items.concat(this.items);
    this.trim();
  }

  /** Removes and returns up to `count` of the oldest items. */
  take(count: number): T[] {
    return this.items.splice(0, count);
  }

  /** Empties the queue, counting what it held as dropped. */
  discard(): void {
    this.droppedCount += this.items.length;
    this.items = [];
  }

  private trim(): void {
    const excess = this.items.length - this.capacity;
    if (excess <= 0) return;
    this.items.splice(0, excess);
    this.droppedCount += excess;
  }
}
