import { Admin, Consumer, Producer, stringSerializers } from '@platformatic/kafka';
import { randomUUID } from 'node:crypto';

// Topics of the streaming tests: create them, fill them, and collect what the stream writes.

/** Creates topics with `partitions` partitions each (a name used before is an error: tests use fresh names). */
export async function createTopics(brokers: string[], topics: string[], partitions = 1): Promise<void> {
  const admin = new Admin({ clientId: 'mlcycle-test-admin', bootstrapBrokers: brokers });
  try {
    await admin.createTopics({ topics, partitions, replicas: 1 });
  } finally {
    await admin.close();
  }
}

/** A topic name no earlier test used. */
export function freshTopic(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Sends messages in batches of 1,000; values that are not strings are sent as JSON. */
export async function produce(
  brokers: string[],
  topic: string,
  messages: { key?: string; value: unknown }[],
): Promise<void> {
  const producer = new Producer({
    clientId: 'mlcycle-test-producer',
    bootstrapBrokers: brokers,
    serializers: stringSerializers,
  });
  try {
    for (let start = 0; start < messages.length; start += 1000) {
      await producer.send({
        messages: messages.slice(start, start + 1000).map(({ key, value }) => ({
          topic,
          ...(key === undefined ? {} : { key }),
          value: typeof value === 'string' ? value : JSON.stringify(value),
        })),
      });
    }
  } finally {
    await producer.close();
  }
}

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
