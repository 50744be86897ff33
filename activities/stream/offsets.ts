import type { InputConsumer } from './kafka-clients';
import { partitionKey } from './kafka-clients';

/**
 * Next offsets to read, by partition, of records whose results the broker has acknowledged; committed
 * to the group from time to time and always before the consumer closes. Nothing else is ever committed.
 */
export class AckedOffsets {
  private readonly acked = new Map<string, { topic: string; partition: number; next: bigint }>();
  private readonly committed = new Map<string, bigint>();

  /** Records of a batch whose results were acknowledged. */
  add(batch: readonly { topic: string; partition: number; offset: bigint }[]): void {
    for (const { topic, partition, offset } of batch) {
      const key = partitionKey(topic, partition);
      const entry = this.acked.get(key);
      if (!entry) this.acked.set(key, { topic, partition, next: offset + 1n });
      else if (offset + 1n > entry.next) entry.next = offset + 1n;
    }
  }

  async commit(consumer: InputConsumer): Promise<void> {
    const offsets = [...this.acked.entries()]
      .filter(([key, { next }]) => this.committed.get(key) !== next)
      .map(([, { topic, partition, next }]) => ({ topic, partition, offset: next, leaderEpoch: -1 }));
    if (offsets.length === 0) return;
    await consumer.commit({ offsets });
    for (const { topic, partition, offset } of offsets) this.committed.set(partitionKey(topic, partition), offset);
  }

  /** Committed next offsets as decimal strings, by `topic:partition`. */
  committedOffsets(): Record<string, string> {
    return Object.fromEntries([...this.committed].map(([key, next]) => [key, next.toString()]));
  }
}

/** Records on the topic the group has not committed yet, summed over its partitions; null when unknown. */
export async function groupLag(consumer: InputConsumer, topic: string): Promise<number | null> {
  try {
    const ends = (await consumer.listOffsets({ topics: [topic] })).get(topic) ?? [];
    const partitions = ends.map((_, partition) => partition);
    const committed = (await consumer.listCommittedOffsets({ topics: [{ topic, partitions }] })).get(topic) ?? [];
    let lag = 0n;
    ends.forEach((end, partition) => {
      const at = committed[partition] ?? -1n;
      lag += end - (at < 0n ? 0n : at);
    });
    return Number(lag);
  } catch {
    return null;
  }
}
