import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { OnlineTrainingProgress } from '../../contracts';
import { createTopics, startTestBroker, type TestBroker, uniqueTopic } from '../helpers/kafka';
import { telcoStream } from '../helpers/labelled-stream';
import { produceLabelled, saveHistory, trainServingModel } from '../helpers/online';
import { startTestStack, type TestStack } from '../helpers/stack';
import { uniqueTaskQueue } from '../helpers/temporal';
import { waitFor } from '../helpers/wait-for';

// The online training's worker is a process of its own, started as a user starts one (`mlcycle worker`),
// so the test can kill it outright mid-stream; the run is started, watched, paused, resumed and stopped
// with `mlcycle learn`, as a user does.

const BIN = resolve(__dirname, '..', '..', 'bin', 'mlcycle.cjs');
const MODEL = 'online-recovery';
const RECORDS = 20_000;

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

describe('onlineTraining survives a killed worker without learning a record twice or skipping one', () => {
  let stack: TestStack;
  let broker: TestBroker;
  const workers: Cli[] = [];

  before(async () => {
    broker = await startTestBroker();
    stack = await startTestStack();
    await trainServingModel(stack, MODEL);
  });
  after(async () => {
    for (const worker of workers) worker.child.kill('SIGKILL');
    await stack?.stop();
    await broker?.stop();
  });

  it('resumes from the last checkpoint after a kill, and mlcycle learn shows, pauses, resumes and stops it', async () => {
    const topic = uniqueTopic('labelled');
    await createTopics(broker.brokers, [topic], 2);
    const env: NodeJS.ProcessEnv = {
      TEMPORAL_ADDRESS: stack.env.address,
      MLCYCLE_HOME: stack.home,
      MLCYCLE_TASK_QUEUE: uniqueTaskQueue('online-recovery'),
      MLCYCLE_SCORING_URL: stack.scoringUrl,
      MLCYCLE_UI_PORT: '8233',
    };
    workers.push(await startWorker(env));
    const workflowId = `online-training-${MODEL}`;
    const started = await runCli(
      [
        'learn',
        '--model',
        MODEL,
        '--topic',
        topic,
        '--brokers',
        broker.brokers.join(','),
        '--publish-every',
        '1000000',
        '--detach',
      ],
      env,
    );
    assert.match(
      started,
      new RegExp(`onlineTraining ${workflowId}: ${MODEL} learns from topic ${topic}: http://localhost:8233/`),
    );
    const handle = stack.env.client.workflow.getHandle(workflowId);
    const progress = () => handle.query<OnlineTrainingProgress>('progress');
    const until = async (check: (p: OnlineTrainingProgress) => boolean, what: string) => {
      let last: OnlineTrainingProgress | undefined;
      await waitFor(async () => check((last = await progress())), {
        timeoutMs: 300_000,
        intervalMs: 50,
        what: () => `${what}; progress: ${JSON.stringify(last)}`,
      });
    };

    await produceLabelled(broker.brokers, topic, await telcoStream({ rows: RECORDS, seed: 21 }));
    await until((p) => p.recordsLearned >= 2_000, 'the first records learned');
    // Killed while a learn call is in flight (started, not completed), so its retry has a range to re-do.
    await waitFor(
      async () => {
        const { raw } = await handle.describe();
        return (raw.pendingActivities ?? []).some(
          // PENDING_ACTIVITY_STATE_STARTED (2): a worker runs it now.
          (a) => a.activityType?.name === 'learnOnlineBatch' && Number(a.state) === 2,
        );
      },
      { timeoutMs: 60_000, intervalMs: 5, what: 'a learn call in flight' },
    );
    workers.shift()?.child.kill('SIGKILL');
    workers.push(await startWorker(env));
    await until((p) => p.recordsLearned >= RECORDS, `all ${RECORDS} records learned`);

    const done = await progress();
    // Every record once: as many learned as the topic holds, and the cursor at the end of both partitions.
    assert.equal(done.recordsLearned, RECORDS);
    assert.equal(done.cursor?.kind, 'kafka');
    const offsets = done.cursor?.kind === 'kafka' ? Object.values(done.cursor.offsets) : [];
    assert.equal(
      offsets.reduce((sum, next) => sum + Number(next), 0),
      RECORDS,
    );
    // The kill hit a learn call in flight: its second attempt (after the heartbeat timeout) re-did it from its input checkpoint.
    const { events } = await handle.fetchHistory();
    const retried = (events ?? []).filter((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) >= 2);
    assert.ok(retried.length >= 1, 'a learn call was retried after its worker died');

    const status = await runCli(['learn', '--model', MODEL, '--status'], env);
    assert.match(status, new RegExp(`${RECORDS} records learned, 0 skipped; last 2000: online log loss`));
    await runCli(['learn', '--model', MODEL, '--pause'], env);
    await until(
      (p) => p.state === 'paused' && p.pauseReason === 'paused by hand: npx mlcycle learn --pause',
      'the pause',
    );
    assert.match(await runCli(['learn', '--model', MODEL, '--status'], env), /paused by hand/);
    await runCli(['learn', '--model', MODEL, '--resume'], env);
    await until((p) => !p.paused && p.state !== 'paused', 'the resume');
    const stopped = await runCli(['learn', '--model', MODEL, '--stop'], env);
    assert.match(stopped, new RegExp(`${workflowId} stopped: ${RECORDS} records learned, 0 versions published`));
    await saveHistory(handle, 'online-training-resumed-history.json');
  });
});
