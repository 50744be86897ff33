import {
  Admin,
  Consumer,
  ProduceAcks,
  Producer,
  stringDeserializers,
  stringSerializers,
  type Message,
} from '@platformatic/kafka';
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port';

const run = promisify(execFile);

/** The project's broker script: tests start their brokers exactly as a developer does. */
export const KAFKA_SCRIPT = resolve(__dirname, '..', '..', 'scripts', 'kafka.sh');

/**
 * A real single-node Kafka broker (KRaft) of one test file, on its own ports and data dir, started with
 * `scripts/kafka.sh`. The jars come from `MLCYCLE_KAFKA_HOME/lib` (default `<clone>/.kafka/lib`; the
 * script resolves them with Maven the first time). Stop and start again keep the data dir, as a broker
 * restart does.
 */
export interface TestBroker {
  /** `host:port` list for clients and for `streamScore`'s `brokers`. */
  brokers: string[];
  dataDir: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Brokers this process started and has not stopped: stopped when it exits, so none outlives a crashed test file. */
const live = new Map<string, NodeJS.ProcessEnv>();
let exitHookInstalled = false;

/** Starts a broker for a test file, its data in a fresh `testBrokerDataDir()`. */
export async function startTestBroker(): Promise<TestBroker> {
  const [port, controllerPort] = [await freePort(), await freePort()];
  const dataDir = testBrokerDataDir();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MLCYCLE_KAFKA_HOST: '127.0.0.1',
    MLCYCLE_KAFKA_PORT: String(port),
    MLCYCLE_KAFKA_CONTROLLER_PORT: String(controllerPort),
    MLCYCLE_KAFKA_DATA: dataDir,
  };
  installExitHook();
  const broker: TestBroker = {
    brokers: [`127.0.0.1:${port}`],
    dataDir,
    start: async () => {
      live.set(dataDir, env);
      await script('start', env);
    },
    stop: async () => {
      await script('stop', env);
      live.delete(dataDir);
    },
  };
  await broker.start();
  return broker;
}

/**
 * A fresh data dir for a broker a test starts, under `MLCYCLE_KAFKA_TEST_ROOT` when set (CI sets it, so
 * its exit trap finds and stops any broker left behind), else under the system temp folder.
 */
export function testBrokerDataDir(): string {
  const root = process.env.MLCYCLE_KAFKA_TEST_ROOT ?? tmpdir();
  mkdirSync(root, { recursive: true });
  return mkdtempSync(join(root, 'mlcycle-kafka-'));
}

/** Stops the broker of `scripts/kafka.sh` with this environment, if it runs; for cleanup after a failed test. */
export async function stopBroker(env: NodeJS.ProcessEnv): Promise<void> {
  await script('stop', { ...process.env, ...env });
}

async function script(command: 'start' | 'stop', env: NodeJS.ProcessEnv): Promise<void> {
  try {
    // The first start may resolve the jars with Maven: minutes on a cold cache, a few seconds after.
    await run('bash', [KAFKA_SCRIPT, command], { env, timeout: 600_000 });
  } catch (err) {
    const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
    throw new Error(`scripts/kafka.sh ${command} failed: ${stderr.trim() || stdout.trim() || String(err)}`);
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const env of live.values()) spawnSync('bash', [KAFKA_SCRIPT, 'stop'], { env, stdio: 'ignore' });
  });
}

let topicCounter = 0;
/** A topic name no other test of this run uses. */
export function uniqueTopic(prefix: string): string {
  topicCounter += 1;
  return `${prefix}-${process.pid}-${Date.now()}-${topicCounter}`;
}

/** Creates topics (replication factor 1) through the Admin API and waits until each has a leader. */
export async function createTopics(brokers: string[], topics: string[], partitions = 1): Promise<void> {
  const admin = new Admin({ clientId: 'mlcycle-test-admin', bootstrapBrokers: brokers });
  try {
    await admin.createTopics({ topics, partitions, replicas: 1 });
    await admin.metadata({ topics, forceUpdate: true });
  } finally {
    await admin.close();
  }
}

export async function deleteTopics(brokers: string[], topics: string[]): Promise<void> {
  const admin = new Admin({ clientId: 'mlcycle-test-admin', bootstrapBrokers: brokers });
  try {
    await admin.deleteTopics({ topics });
  } finally {
    await admin.close();
  }
}

export interface RecordToProduce {
  key?: string;
  value: unknown;
}

/**
 * Produces records as JSON strings, acknowledged by the broker (acks=all) before it returns; `batchSize`
 * records go in one request. A value that is already a string is sent as it is (for records that are
 * not JSON).
 */
export async function produceJson(
  brokers: string[],
  topic: string,
  records: RecordToProduce[],
  { batchSize = 1000 }: { batchSize?: number } = {},
): Promise<void> {
  const producer = new Producer({
    clientId: 'mlcycle-test-producer',
    bootstrapBrokers: brokers,
    serializers: stringSerializers,
    acks: ProduceAcks.ALL,
  });
  try {
    for (let start = 0; start < records.length; start += batchSize) {
      const messages = records.slice(start, start + batchSize).map((record) => ({
        topic,
        ...(record.key === undefined ? {} : { key: record.key }),
        value: typeof record.value === 'string' ? record.value : JSON.stringify(record.value),
      }));
      await producer.send({ messages });
    }
  } finally {
    await producer.close();
  }
}

export interface ConsumedRecord {
  key: string | null;
  value: string;
  partition: number;
  offset: bigint;
  timestamp: bigint;
}

export interface ConsumeOptions {
  /** How long the `count` records may take before the read fails; a bound, not a guess. */
  timeoutMs?: number;
  /**
   * Read as this consumer group from its committed offsets (earliest when it has none) and commit what
   * was read; without it, a group of its own reads the topic from the start and commits nothing.
   */
  groupId?: string;
}

/**
 * Reads exactly `count` records from `topic`, in order per partition; fails naming how many came if
 * they do not all come within `timeoutMs`.
 */
export async function consumeRecords(
  brokers: string[],
  topic: string,
  count: number,
  { timeoutMs = 30_000, groupId }: ConsumeOptions = {},
): Promise<ConsumedRecord[]> {
  const consumer = new Consumer({
    clientId: 'mlcycle-test-consumer',
    groupId: groupId ?? uniqueTopic('mlcycle-test-reader'),
    bootstrapBrokers: brokers,
    deserializers: stringDeserializers,
    autocommit: false,
    maxWaitTime: 200,
  });
  const records: ConsumedRecord[] = [];
  // The last record read of each partition: committing it commits everything before it there.
  const lastByPartition = new Map<number, Message<string, string, string, string>>();
  try {
    const stream = await consumer.consume({
      topics: [topic],
      mode: groupId ? 'committed' : 'earliest',
      fallbackMode: 'earliest',
    });
    try {
      await new Promise<void>((done, fail) => {
        if (count === 0) return done();
        const timer = setTimeout(
          () =>
            fail(new Error(`timed out after ${timeoutMs} ms with ${records.length} of ${count} records from ${topic}`)),
          timeoutMs,
        );
        stream.on('error', (err: Error) => {
          clearTimeout(timer);
          fail(err);
        });
        stream.on('data', (message: Message<string, string, string, string>) => {
          if (records.length >= count) return;
          records.push({
            key: message.key === undefined || message.key === '' ? null : message.key,
            value: message.value,
            partition: message.partition,
            offset: message.offset,
            timestamp: message.timestamp,
          });
          lastByPartition.set(message.partition, message);
          if (records.length === count) {
            clearTimeout(timer);
            stream.pause();
            done();
          }
        });
      });
      if (groupId) for (const message of lastByPartition.values()) await commit(message);
    } finally {
      await stream.close();
    }
    return records;
  } finally {
    await consumer.close();
  }
}

function commit(message: Message<string, string, string, string>): Promise<void> {
  return new Promise((done, fail) => {
    void message.commit((err) => (err ? fail(err) : done()));
  });
}
