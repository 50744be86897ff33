import { Consumer } from '@platformatic/kafka';
import { randomUUID } from 'node:crypto';

// What a stream writes, collected as it arrives: the streaming tests wait on it with waitFor.

/** Everything on a topic from its start, collected as it arrives until `close`. */
export interface TopicReader<T> {
  readonly messages: { key: string | null; value: T; partition: number; offset: bigint }[];
  close(): Promise<void>;
}

export async function readTopic<T>(brokers: string[], topic: string): Promise<TopicReader<T>> {
  const consumer = new Consumer({
    clientId: 'mlcycle-test-reader',
    groupId: `mlcycle-test-reader-${randomUUID()}`,
    bootstrapBrokers: brokers,
    maxWaitTime: 100,
  });
  const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
  const messages: TopicReader<T>['messages'] = [];
  stream.on('data', (message) => {
    messages.push({
      key: message.key && message.key.length > 0 ? message.key.toString('utf8') : null,
      value: JSON.parse(message.value.toString('utf8')) as T,
      partition: message.partition,
      offset: message.offset,
    });
  });
  return {
    messages,
    async close() {
      await stream.close();
      await consumer.close();
    },
  };
}
