import { Consumer, ProduceAcks, Producer, stringSerializers } from '@platformatic/kafka';

// The Kafka clients of a stream. Values stay Buffers on the way in (a record that is not UTF-8 must still
// reach the dead-letter topic) and go out as strings.

export type InputConsumer = Consumer<Buffer, Buffer, Buffer, Buffer>;
export type OutputProducer = Producer<string, string, string, string>;

export function createConsumer(brokers: string[], groupId: string, clientId: string): InputConsumer {
  return new Consumer({
    clientId,
    groupId,
    bootstrapBrokers: brokers,
    // Offsets are committed by hand, only for results the broker has acknowledged.
    autocommit: false,
    // A worker that dies is replaced within the Temporal heartbeat timeout; the group notices it sooner.
    sessionTimeout: 20_000,
    heartbeatInterval: 3_000,
    maxWaitTime: 100,
    // Enough in flight for 500-record batches without a fetch round trip between them.
    highWaterMark: 4096,
    retries: 3,
    retryDelay: 500,
  });
}

export function createProducer(brokers: string[], clientId: string): OutputProducer {
  return new Producer({
    clientId,
    bootstrapBrokers: brokers,
    serializers: stringSerializers,
    // acks=all: a result counts as sent only once every in-sync replica has it.
    acks: ProduceAcks.ALL,
    autocreateTopics: true,
    retries: 3,
    retryDelay: 500,
  });
}

/** `topic:partition`, the key of offsets in counts and results. */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}:${partition}`;
}

/** Leaves the group and closes; when the broker is unreachable (no group to leave), closes by force. */
export async function closeConsumer(consumer: InputConsumer): Promise<void> {
  try {
    await consumer.close();
  } catch {
    await new Promise<void>((resolve, reject) => consumer.close(true, (error) => (error ? reject(error) : resolve())));
  }
}
