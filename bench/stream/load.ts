// Load generator of bench/stream-score.ts, run as a child process so that producing and counting do not
// share an event loop with the worker under test. Reads its job as JSON from argv[2], sends one
// LoadResult to the parent and exits.
import {
  Consumer,
  ProduceAcks,
  Producer,
  stringDeserializer,
  stringSerializers,
  type Message,
} from '@platformatic/kafka';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import type { LoadJob, LoadResult, LatencyResult, ThroughputResult } from './load-types';
import { csvRowsAsRequestJson } from '../../data/csv-request-json';

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '') as LoadJob;
  const result: LoadResult = job.mode === 'throughput' ? await throughput(job) : await latency(job);
  process.send?.(result);
  process.disconnect?.();
}

function producer(brokers: string[]): Producer<string, string, string, string> {
  return new Producer({
    clientId: 'mlcycle-bench-load',
    bootstrapBrokers: brokers,
    serializers: stringSerializers,
    acks: ProduceAcks.LEADER,
  });
}

/** Reads the output topic from the start and calls `onResult` with each result's key (the input's key). */
async function resultReader(
  brokers: string[],
  topic: string,
  onResult: (key: string, now: number) => void,
): Promise<{ close(): Promise<void> }> {
  const consumer = new Consumer<string, Buffer, Buffer, Buffer>({
    clientId: 'mlcycle-bench-results',
    groupId: `mlcycle-bench-results-${process.pid}-${Date.now()}`,
    bootstrapBrokers: brokers,
    deserializers: { key: stringDeserializer },
    autocommit: false,
    maxWaitTime: 5,
  });
  const stream = await consumer.consume({ topics: [topic], mode: 'earliest' });
  stream.on('data', (message: Message<string, Buffer, Buffer, Buffer>) => onResult(message.key, performance.now()));
  return {
    close: async () => {
      await stream.close();
      await consumer.close();
    },
  };
}

/**
 * Floods the input topic, keeping at most `maxBacklog` records ahead of the results so the consumer
 * never runs dry, and counts results per second over `seconds`, from `warmupSeconds` after the first.
 */
async function throughput(job: Extract<LoadJob, { mode: 'throughput' }>): Promise<ThroughputResult> {
  const requests = await csvRowsAsRequestJson(job.csvPath);
  const out = producer(job.brokers);
  let produced = 0;
  let results = 0;
  let firstResultAt: number | null = null;
  const reader = await resultReader(job.brokers, job.outputTopic, (_key, now) => {
    results += 1;
    firstResultAt ??= now;
  });
  let flooding = true;
  const flood = async (): Promise<void> => {
    while (flooding) {
      if (produced - results >= job.maxBacklog) {
        await delay(5);
        continue;
      }
      const messages = Array.from({ length: job.batchSize }, (_, i) => {
        const n = produced + i;
        return { topic: job.inputTopic, key: `t-${n}`, value: requests[n % requests.length] ?? '{}' };
      });
      produced += messages.length;
      await out.send({ messages });
    }
  };
  // A few requests in flight: one at a time leaves the broker idle between round trips.
  const senders = Array.from({ length: job.sendersInFlight }, () => flood());
  const startedAt = performance.now();
  while (firstResultAt === null) {
    if (performance.now() - startedAt > 120_000) throw new Error('no result on the output topic within 120 s');
    await delay(50);
  }
  await delay(job.warmupSeconds * 1000);
  const perSecond: number[] = [];
  const windowStart = { at: performance.now(), results };
  let last = results;
  for (let s = 0; s < job.seconds; s += 1) {
    await delay(windowStart.at + (s + 1) * 1000 - performance.now());
    perSecond.push(results - last);
    last = results;
  }
  const windowSeconds = (performance.now() - windowStart.at) / 1000;
  const inWindow = results - windowStart.results;
  flooding = false;
  await Promise.all(senders);
  await reader.close();
  await out.close();
  return {
    mode: 'throughput',
    windowSeconds,
    results: inWindow,
    recordsPerSecond: inWindow / windowSeconds,
    perSecond,
    produced,
    firstResultAfterSeconds: ((firstResultAt as number) - startedAt) / 1000,
    cpuMs: cpuMs(),
  };
}

/**
 * Sends `rate` records a second for `seconds`, each with its own key, and measures for each the time from
 * its send to its result read from the output topic; the first `warmupSeconds` are left out.
 */
async function latency(job: Extract<LoadJob, { mode: 'latency' }>): Promise<LatencyResult> {
  const requests = await csvRowsAsRequestJson(job.csvPath);
  const out = producer(job.brokers);
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let duplicates = 0;
  const warmupRecords = job.rate * job.warmupSeconds;
  const reader = await resultReader(job.brokers, job.outputTopic, (key, now) => {
    const at = sentAt.get(key);
    if (at === undefined) {
      duplicates += 1;
      return;
    }
    sentAt.delete(key);
    if (Number(key.slice(2)) >= warmupRecords) latencies.push(now - at);
  });
  const total = job.rate * job.seconds;
  const startedAt = performance.now();
  let sent = 0;
  while (sent < total) {
    // Every record due by now, sent at once: the schedule holds even when a tick comes late.
    const due = Math.min(total, Math.floor(((performance.now() - startedAt) / 1000) * job.rate)) - sent;
    if (due > 0) {
      const now = performance.now();
      const messages = Array.from({ length: due }, (_, i) => {
        const key = `l-${sent + i}`;
        sentAt.set(key, now);
        return { topic: job.inputTopic, key, value: requests[(sent + i) % requests.length] ?? '{}' };
      });
      sent += due;
      await out.send({ messages });
    }
    await delay(1);
  }
  const sendSeconds = (performance.now() - startedAt) / 1000;
  const deadline = performance.now() + 60_000;
  while (sentAt.size > 0 && performance.now() < deadline) await delay(20);
  await reader.close();
  await out.close();
  if (latencies.length === 0) throw new Error(`no result of the ${total} records sent came back after the warm-up`);
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return {
    mode: 'latency',
    rate: job.rate,
    sent: total,
    measured: latencies.length,
    missing: sentAt.size,
    duplicates,
    p50Ms: at(0.5),
    p90Ms: at(0.9),
    p99Ms: at(0.99),
    maxMs: latencies[latencies.length - 1] ?? NaN,
    achievedRate: total / sendSeconds,
    cpuMs: cpuMs(),
  };
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
