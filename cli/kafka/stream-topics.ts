import { Admin } from '@platformatic/kafka';
import type { StreamScoreInput } from '../../contracts/stream';

/** The topics a stream reads and writes, the dead-letter topic's default filled in as the workflow does. */
export function streamTopics(input: StreamScoreInput): string[] {
  const topics = [input.inputTopic, input.outputTopic, input.deadLetterTopic ?? `${input.inputTopic}.dlq`];
  return input.labelsTopic ? [...topics, input.labelsTopic] : topics;
}

/**
 * Checks, before the stream starts, that its brokers answer and its topics exist. Without this the
 * consumer retries "Unknown topic" quietly for ever while the status says 0 records. Brokers often
 * refuse to create topics on first use, and a topic's partitions and replicas are the operator's
 * choice, so missing topics are created only when asked (`create`: one partition, as many replicas as
 * the cluster has brokers, up to 3).
 */
export async function checkStreamTopics(input: StreamScoreInput, create: boolean): Promise<string[]> {
  const admin = new Admin({
    clientId: 'mlcycle-stream-check',
    bootstrapBrokers: input.brokers,
    retries: 2,
    retryDelay: 500,
    timeout: 10_000,
  });
  try {
    let existing: Set<string>;
    try {
      existing = new Set(await admin.listTopics());
    } catch (err) {
      throw new Error(
        `cannot reach Kafka at ${input.brokers.join(',')} (${err instanceof Error ? err.message : String(err)}); ` +
          'start the local broker with `bash scripts/kafka.sh start` or pass --brokers host:port',
      );
    }
    const missing = streamTopics(input).filter((topic) => !existing.has(topic));
    if (missing.length === 0) return [];
    if (!create) {
      throw new Error(
        `topic${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'do' : 'does'} not exist on ` +
          `${input.brokers.join(',')}: create ${missing.length > 1 ? 'them' : 'it'} with your Kafka tools, or pass ` +
          '--create-topics (one partition each)',
      );
    }
    const brokers = (await admin.metadata({ topics: [] })).brokers.size;
    await admin.createTopics({ topics: missing, partitions: 1, replicas: Math.min(3, Math.max(1, brokers)) });
    return missing;
  } finally {
    await admin.close();
  }
}
