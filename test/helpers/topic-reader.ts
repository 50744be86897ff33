import { Consumer } from '@platformatic/kafka';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';

// What a stream writes, collected as it arrives: the streaming tests wait on it with waitFor.

/** Everything on a topic from its start, each message once, collected as it arrives until `close`. */
export interface TopicReader<T> {
  readonly messages: { key: string | null; value: T; partition: number; offset: bigint }[];
  close(): Promise<void>;
}

/**
 * Reads `topic` from the start. A broker restart breaks the consumer's stream: the reader then starts a
 * new one from the start and keeps only messages it has not collected yet (by partition and offset).
 */
export async function readTopic<T>(brokers: string[], topic: string): Promise<TopicReader<T>> {
  const messages: TopicReader<T>['messages'] = [];
  const seen = new Set<string>();
  let current: { consumer: Consumer; close: () => Promise<void> } | undefined;
  let closed = false;

  const connect = async (): Promise<void> => {
    const consumer = new Consumer({
      clientId: 'mlcycle-test-reader',
      groupId: `mlcycle-test-reader-${randomUUID()}`,
      bootstrapBrokers: brokers,
      maxWaitTime: 100,
    });
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
    stream.on('data', (message) => {
      const at = `${message.partition}:${message.offset}`;
      if (seen.has(at)) return;
      seen.add(at);
      messages.push({
        key: message.key && message.key.length > 0 ? message.key.toString('utf8') : null,
        value: JSON.parse(message.value.toString('utf8')) as T,
        partition: message.partition,
        offset: message.offset,
      });
    });
    // Either may report the same breakage; only the consumer in use reconnects, once.
    const broken = () => {
      if (current?.consumer === consumer) void reconnect();
    };
    stream.on('error', broken);
    consumer.on('error', broken);
    current = {
      consumer,
      close: async () => {
        await stream.close().catch(() => undefined);
        // Forced: with the broker down there is no group to leave.
        await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
      },
    };
  };

  const reconnect = async (): Promise<void> => {
    const broken = current;
    current = undefined;
    await broken?.close();
    while (!closed) {
      try {
        await connect();
        return;
      } catch {
        await delay(500); // the broker is still down: try again shortly
      }
    }
  };

  await connect();
  return {
    messages,
    async close() {
      closed = true;
      await current?.close();
    },
  };
}
