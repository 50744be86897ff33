// Benchmark: streamScore on a real broker (scripts/kafka.sh) and a real dev server, worker and registry.
// 1. Throughput: the input topic is flooded (kept at most --backlog records ahead of the results) and the
//    results read from the output topic are counted over --seconds (60) after a warm-up.
// 2. Latency: --rate (1,000) records/s for --latency-seconds (30); for each record, the time from its send
//    to its result read from the output topic; p50/p90/p99/max after a warm-up.
// Producer and result reader run in a child process (bench/stream/load.ts), so they do not share an event
// loop with the worker under test; they do share the machine's cores with it and with the broker.
// Usage: npm run bench:stream [-- --seconds 60 --rate 1000 --latency-seconds 30 --partitions 1]
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { StreamScoreInput } from '../contracts/stream';
import type { mlLifecycle, streamScore } from '../workflows';
import { createTopics, startTestBroker, uniqueTopic, type TestBroker } from '../test/helpers/kafka';
import { TELCO_CSV } from '../test/helpers/paths';
import { startTestStack, type TestStack } from '../test/helpers/stack';
import type { LatencyResult, LoadJob, LoadResult, ThroughputResult } from './stream/load-types';

const GOALS = { recordsPerSecond: 20_000, p99Ms: 100 };
const MODEL = 'telco-churn';

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} takes a positive number`);
  return value;
}

const settings = {
  seconds: flag('seconds', 60),
  rate: flag('rate', 1000),
  latencySeconds: flag('latency-seconds', 30),
  partitions: flag('partitions', 1),
  backlog: flag('backlog', 200_000),
};

interface Phase<R extends LoadResult> {
  load: R;
  /**
   * CPU time per 1,000 records the run scored (from its start to its cancel), of the worker's process (the
   * benchmark's own, which hosts the worker), the broker's JVM and the load generator: what the figures
   * cost regardless of what else the machine ran.
   */
  cpu: { records: number; workerMsPer1000: number; brokerMsPer1000: number; loadMsPer1000: number };
}

async function main(): Promise<void> {
  // Other work on the machine takes cores from the stream: its load average goes with the figures.
  const loadBefore = loadavg();
  const stack = await startTestStack();
  let broker: TestBroker | undefined;
  try {
    broker = await startTestBroker();
    const trained = await stack.env.client.workflow.execute<typeof mlLifecycle>('mlLifecycle', {
      taskQueue: stack.taskQueue,
      workflowId: `bench-stream-train-${Date.now()}`,
      args: [{ modelName: MODEL, dataUri: TELCO_CSV }],
    });
    if (!trained.deployed) throw new Error(`the model was not deployed: ${trained.reason}`);
    console.log(`${MODEL} v${trained.version} serving; broker ${broker.brokers.join(',')}`);

    const throughput = await runPhase<ThroughputResult>(stack, broker, 'throughput', (topics) => ({
      mode: 'throughput',
      ...topics,
      csvPath: TELCO_CSV,
      seconds: settings.seconds,
      warmupSeconds: 5,
      maxBacklog: settings.backlog,
      batchSize: 1000,
      sendersInFlight: 4,
    }));
    console.log(
      `throughput: ${throughput.load.recordsPerSecond.toFixed(0)} records/s over ${throughput.load.windowSeconds.toFixed(1)} s` +
        ` (per second: min ${Math.min(...throughput.load.perSecond)}, max ${Math.max(...throughput.load.perSecond)})`,
    );
    const { cpu } = throughput;
    const ceiling = {
      withLoad: (2 * 1_000_000) / (cpu.workerMsPer1000 + cpu.brokerMsPer1000 + cpu.loadMsPer1000),
      withoutLoad: (2 * 1_000_000) / (cpu.workerMsPer1000 + cpu.brokerMsPer1000),
    };
    console.log(
      `CPU per 1,000 records: worker ${cpu.workerMsPer1000.toFixed(0)} ms, broker ${cpu.brokerMsPer1000.toFixed(0)} ms,` +
        ` load generator ${cpu.loadMsPer1000.toFixed(0)} ms; CPU-bound ceiling on 2 idle cores` +
        ` ${ceiling.withLoad.toFixed(0)}/s (${ceiling.withoutLoad.toFixed(0)}/s with the load generated elsewhere)`,
    );
    const latency = await runPhase<LatencyResult>(stack, broker, 'latency', (topics) => ({
      mode: 'latency',
      ...topics,
      csvPath: TELCO_CSV,
      rate: settings.rate,
      seconds: settings.latencySeconds,
      // The first seconds are left out (connections, JIT), but never all of them.
      warmupSeconds: Math.min(3, settings.latencySeconds / 3),
    }));
    const l = latency.load;
    console.log(
      `latency at ${l.rate}/s (achieved ${l.achievedRate.toFixed(0)}/s): p50 ${l.p50Ms.toFixed(1)} ms, p90 ${l.p90Ms.toFixed(1)} ms,` +
        ` p99 ${l.p99Ms.toFixed(1)} ms, max ${l.maxMs.toFixed(1)} ms over ${l.measured} records` +
        ` (${l.missing} missing, ${l.duplicates} duplicates)`,
    );
    const goals = {
      recordsPerSecond: {
        goal: GOALS.recordsPerSecond,
        met: throughput.load.recordsPerSecond >= GOALS.recordsPerSecond,
      },
      p99Ms: { goal: GOALS.p99Ms, met: l.p99Ms <= GOALS.p99Ms && l.missing === 0 },
    };
    console.log(
      `goals: ≥ ${GOALS.recordsPerSecond}/s ${goals.recordsPerSecond.met ? 'met' : 'NOT met'};` +
        ` p99 ≤ ${GOALS.p99Ms} ms ${goals.p99Ms.met ? 'met' : 'NOT met'}`,
    );
    const out = join(__dirname, 'results');
    mkdirSync(out, { recursive: true });
    const machine = {
      cpus: cpus().length,
      cpu: cpus()[0]?.model ?? '?',
      node: process.version,
      loadAverage: { before: loadBefore, after: loadavg() },
    };
    const report = {
      at: new Date().toISOString(),
      machine,
      settings,
      model: { name: MODEL, version: trained.version },
    };
    writeFileSync(
      join(out, 'stream-score.json'),
      `${JSON.stringify({ ...report, throughput: { ...throughput, ceiling }, latency, goals }, null, 2)}\n`,
    );
  } finally {
    await broker?.stop();
    // The flooded topics fill hundreds of MB: nothing in them is needed once the figures are written.
    if (broker) rmSync(broker.dataDir, { recursive: true, force: true });
    await stack.stop();
  }
}

/** Fresh topics and a fresh streamScore run for one phase; the run is cancelled when the load ends. */
async function runPhase<R extends LoadResult>(
  stack: TestStack,
  broker: TestBroker,
  name: string,
  job: (topics: { brokers: string[]; inputTopic: string; outputTopic: string }) => LoadJob,
): Promise<Phase<R>> {
  const inputTopic = uniqueTopic(`bench-${name}-in`);
  const outputTopic = uniqueTopic(`bench-${name}-out`);
  const deadLetterTopic = `${inputTopic}.dlq`;
  await createTopics(broker.brokers, [inputTopic, outputTopic, deadLetterTopic], settings.partitions);
  const input: StreamScoreInput = {
    modelName: MODEL,
    brokers: broker.brokers,
    inputTopic,
    outputTopic,
    deadLetterTopic,
  };
  const cpuBefore = { worker: process.cpuUsage(), broker: jvmCpuMs(broker) };
  const handle = await stack.env.client.workflow.start<typeof streamScore>('streamScore', {
    taskQueue: stack.taskQueue,
    workflowId: `bench-stream-${name}-${Date.now()}`,
    args: [input],
  });
  let load: R | undefined;
  try {
    load = await runLoad<R>(job({ brokers: broker.brokers, inputTopic, outputTopic }));
  } finally {
    await handle.cancel();
  }
  // The run's exact count once its consumer has committed and stopped.
  const { records } = await handle.result();
  const worker = process.cpuUsage(cpuBefore.worker);
  const per1000 = (ms: number): number => (ms / records) * 1000;
  const cpu = {
    records,
    workerMsPer1000: per1000((worker.user + worker.system) / 1000),
    brokerMsPer1000: per1000(jvmCpuMs(broker) - cpuBefore.broker),
    loadMsPer1000: per1000(load.cpuMs),
  };
  return { load, cpu };
}

/** CPU time the broker's JVM has used so far (Linux /proc; clock ticks of 10 ms). */
function jvmCpuMs(broker: TestBroker): number {
  const pid = readFileSync(join(broker.dataDir, 'kafka.pid'), 'utf8').trim();
  // Fields after the command name (in parentheses): utime and stime are the 12th and 13th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function runLoad<R extends LoadResult>(job: LoadJob): Promise<R> {
  const child = fork(join(__dirname, 'stream', 'load.ts'), [JSON.stringify(job)], { execArgv: ['--import', 'tsx'] });
  const result = new Promise<R>((resolve, reject) => {
    child.once('message', (message) => resolve(message as R));
    child.once('exit', (code) => reject(new Error(`the load generator exited with ${code} before it reported`)));
  });
  try {
    return await result;
  } finally {
    if (child.exitCode === null) await once(child, 'exit');
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
