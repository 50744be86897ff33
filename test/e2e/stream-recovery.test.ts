import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Papa from 'papaparse';
import type { StreamResultMessage } from '../../contracts';
import type { mlLifecycle, streamScore } from '../../workflows';
import { createTopics, produceJson, startTestBroker, type TestBroker, uniqueTopic } from '../helpers/kafka';
import { TELCO_CSV } from '../helpers/paths';
import { startTestStack, type TestStack } from '../helpers/stack';
import { uniqueTaskQueue } from '../helpers/temporal';
import { readTopic } from '../helpers/topic-reader';
import { waitFor } from '../helpers/wait-for';

// The stream's worker is a process of its own, started as a user starts one (`mlcycle worker`), so the
// test can kill it outright; the stream is started, watched and stopped with `mlcycle stream`.

const BIN = resolve(__dirname, '..', '..', 'bin', 'mlcycle.cjs');
const MODEL = 'telco-churn';
const RECORDS = 10_000;

type Row = Record<string, string>;

function telcoRecords(count: number): { key: string; value: Record<string, unknown> }[] {
  const rows = Papa.parse<Row>(readFileSync(TELCO_CSV, 'utf8').trim(), { header: true }).data;
  const numeric = new Set(['SeniorCitizen', 'tenure', 'MonthlyCharges', 'TotalCharges']);
  return Array.from({ length: count }, (_, i) => {
    const row = rows[i % rows.length] as Row;
    const value = Object.fromEntries(
      Object.entries(row)
        .filter(([column]) => column !== 'customerID' && column !== 'Churn')
        .map(([column, cell]) => [column, numeric.has(column) ? (cell.trim() === '' ? null : Number(cell)) : cell]),
    );
    return { key: `rec-${i}`, value };
  });
}

interface Cli {
  child: ChildProcess;
  output: () => string;
}

function startCli(args: string[], env: NodeJS.ProcessEnv): Cli {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env, MLCYCLE_FROM_SOURCE: '1' } });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const cli = startCli(args, env);
  const [code] = (await once(cli.child, 'exit')) as [number | null];
  assert.equal(code, 0, cli.output());
  return cli.output();
}

async function startWorker(env: NodeJS.ProcessEnv): Promise<Cli> {
  const worker = startCli(['worker'], env);
  await waitFor(
    () => {
      if (worker.child.exitCode !== null) throw new Error(`the worker exited:\n${worker.output()}`);
      return worker.output().includes('worker polling task queue');
    },
    { timeoutMs: 120_000, intervalMs: 100, what: () => `the worker to poll:\n${worker.output()}` },
  );
  return worker;
}

describe('streamScore survives a killed worker and a broker restart without losing a record', () => {
  let stack: TestStack;
  let broker: TestBroker;
  const workers: Cli[] = [];

  before(async () => {
    broker = await startTestBroker();
    stack = await startTestStack();
    const trained = await stack.env.client.workflow.execute<typeof mlLifecycle>('mlLifecycle', {
      taskQueue: stack.taskQueue,
      workflowId: 'stream-recovery-train',
      args: [{ modelName: MODEL, dataUri: TELCO_CSV }],
    });
    assert.equal(trained.deployed, true, trained.reason);
  });
  after(async () => {
    for (const worker of workers) worker.child.kill('SIGKILL');
    await stack?.stop();
    await broker?.stop();
  });

  it('gives every input offset a result (duplicates carry the same offset), then stops with --stop', async () => {
    const inputTopic = uniqueTopic('churn-requests');
    const outputTopic = uniqueTopic('churn-scores');
    await createTopics(broker.brokers, [inputTopic, outputTopic, `${inputTopic}.dlq`], 2);
    const env: NodeJS.ProcessEnv = {
      TEMPORAL_ADDRESS: stack.env.address,
      MLCYCLE_HOME: stack.home,
      MLCYCLE_TASK_QUEUE: uniqueTaskQueue('stream-recovery'),
      MLCYCLE_KAFKA_BROKERS: broker.brokers.join(','),
      MLCYCLE_UI_PORT: '8233',
    };
    workers.push(await startWorker(env));
    const started = await runCli(['stream', '--model', MODEL, '--in', inputTopic, '--out', outputTopic], env);
    const workflowId = `stream-score-${MODEL}-${inputTopic}`;
    assert.match(
      started,
      new RegExp(`streamScore ${workflowId}: .*http://localhost:8233/namespaces/default/workflows/${workflowId}/`),
    );

    const output = await readTopic<StreamResultMessage>(broker.brokers, outputTopic);
    const records = telcoRecords(RECORDS);
    // The records keep coming while the worker dies and the broker restarts.
    const producing = produceJson(broker.brokers, inputTopic, records.slice(0, RECORDS / 2), { batchSize: 250 });
    try {
      await waitFor(() => output.messages.length >= 1_000, {
        timeoutMs: 120_000,
        intervalMs: 20,
        what: '1,000 results',
      });
      workers.shift()?.child.kill('SIGKILL');
      await producing;
      await produceJson(broker.brokers, inputTopic, records.slice(RECORDS / 2, (RECORDS * 3) / 4));
      workers.push(await startWorker(env));
      const before = output.messages.length;
      await waitFor(() => output.messages.length > before, {
        timeoutMs: 180_000,
        intervalMs: 100,
        what: 'the restarted worker to produce results',
      });
      await broker.stop();
      await broker.start();
      await produceJson(broker.brokers, inputTopic, records.slice((RECORDS * 3) / 4));

      const sources = () => new Set(output.messages.map((m) => `${m.value.source.partition}:${m.value.source.offset}`));
      await waitFor(() => sources().size === RECORDS, {
        timeoutMs: 300_000,
        intervalMs: 250,
        what: () => `a result for each of the ${RECORDS} input offsets (have ${sources().size})`,
      });
      // Each offset is one input record: every copy of its result names the same record.
      const keyOf = new Map<string, string | null>();
      for (const { value } of output.messages) {
        const source = `${value.source.partition}:${value.source.offset}`;
        const known = keyOf.get(source);
        if (known !== undefined) assert.equal(value.key, known, `the results of ${source} name different records`);
        keyOf.set(source, value.key);
      }
      assert.equal(new Set(keyOf.values()).size, RECORDS, 'every record has its result');

      const status = await runCli(['stream', '--model', MODEL, '--in', inputTopic, '--status'], env);
      assert.match(status, /telco-churn v1: \d+ records scored/);
      const stopped = await runCli(['stream', '--model', MODEL, '--in', inputTopic, '--stop'], env);
      assert.match(stopped, new RegExp(`${workflowId} stopped: \\d+ records scored, 0 rejected`));
      const result = await stack.env.client.workflow.getHandle<typeof streamScore>(workflowId).result();
      // Its counts are what the consumers reported (a worker killed outright reports its last heartbeat's);
      // what is guaranteed is in the offsets: the group committed every record, each after its result.
      assert.equal(result.rejected, 0);
      const committed = Object.values(result.lastOffsets).reduce((sum, next) => sum + Number(next), 0);
      assert.equal(committed, RECORDS, JSON.stringify(result.lastOffsets));
    } finally {
      await output.close();
    }
  });
});
