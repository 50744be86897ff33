import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { StreamActivities } from '../../activities/stream';
import {
  streamTaskQueueOf,
  type ConsumeStreamInput,
  type ConsumeStreamResult,
  type StreamCounts,
  type StreamScoreInput,
} from '../../contracts';
import { loadWorkflowBundle } from '../../workers/workflow-bundle';
import type { streamScore } from '../../workflows';
import { streamProgressSignal, streamScoreProgressQuery } from '../../workflows/stream-score';
import { startTestTemporal, uniqueTaskQueue } from '../helpers/temporal';
import { waitFor } from '../helpers/wait-for';

// Logic of streamScore with a stand-in consumer; test/e2e/stream*.test.ts run the real one on a real broker.

const INPUT: StreamScoreInput = {
  modelName: 'telco-churn',
  brokers: ['127.0.0.1:9092'],
  inputTopic: 'churn-requests',
  outputTopic: 'churn-scores',
};

function counts(attemptKey: string, records: number, rejected = 0, offset = records): StreamCounts {
  return {
    attemptKey,
    records,
    rejected,
    labels: 0,
    recordsPerSecond: 10,
    lag: 0,
    version: 1,
    lastOffsets: { 'churn-requests:0': String(offset) },
    updatedAt: new Date().toISOString(),
  };
}

/** Heartbeats until the workflow cancels the activity. */
async function untilCancelled(): Promise<void> {
  const context = Context.current();
  for (;;) {
    context.heartbeat();
    try {
      await context.sleep(50);
    } catch (err) {
      if (err instanceof CancelledFailure) return;
      throw err;
    }
  }
}

describe('streamScore workflow logic', () => {
  let env: TestWorkflowEnvironment;
  before(async () => {
    env = await startTestTemporal();
  });
  after(async () => {
    await env?.teardown();
  });

  async function withWorker<T>(
    consumeStream: StreamActivities['consumeStream'],
    run: (taskQueue: string) => Promise<T>,
  ) {
    const taskQueue = uniqueTaskQueue('stream');
    const workflows = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await loadWorkflowBundle(),
    });
    // The consumer is polled on the stream queue of the run's queue, as workers/stream-worker.ts does.
    const consumers = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: streamTaskQueueOf(taskQueue),
      activities: { consumeStream },
      maxHeartbeatThrottleInterval: '100 milliseconds',
    });
    return workflows.runUntil(consumers.runUntil(run(taskQueue)));
  }

  it('fails invalid input at once, non-retryably, naming every wrong field, before any consumer starts', async () => {
    let calls = 0;
    const consume = () => {
      calls++;
      return Promise.reject(new Error('must not run'));
    };
    const failure = await withWorker(consume, (taskQueue) =>
      env.client.workflow
        .execute<typeof streamScore>('streamScore', {
          taskQueue,
          workflowId: uniqueTaskQueue('stream-invalid'),
          args: [{ ...INPUT, brokers: [], inputTopic: 'has space', outputTopic: 'churn-scores' }],
        })
        .then(
          () => assert.fail('the run should fail'),
          (err: unknown) => err,
        ),
    );
    assert.ok(failure instanceof WorkflowFailedError);
    const cause = failure.cause;
    assert.ok(cause instanceof ApplicationFailure);
    assert.equal(cause.type, 'InvalidInputError');
    assert.equal(cause.nonRetryable, true);
    assert.match(cause.message, /brokers/);
    assert.match(cause.message, /inputTopic/);
    assert.equal(calls, 0);
  });

  it('fills in the dead-letter topic and group, runs the consumer on the stream queue, and refuses an output topic that is the input topic', async () => {
    const seen: ConsumeStreamInput[] = [];
    const queues: string[] = [];
    const consume = async (input: ConsumeStreamInput): Promise<ConsumeStreamResult> => {
      seen.push(input);
      queues.push(Context.current().info.taskQueue);
      await untilCancelled();
      return { ...counts('a#1', 0), cancelled: true };
    };
    await withWorker(consume, async (taskQueue) => {
      const handle = await env.client.workflow.start<typeof streamScore>('streamScore', {
        taskQueue,
        workflowId: uniqueTaskQueue('stream-defaults'),
        args: [INPUT],
      });
      await waitFor(() => seen.length === 1, { timeoutMs: 10_000, what: 'the consumer to start' });
      await handle.cancel();
      await handle.result();
      const same = await env.client.workflow
        .execute<typeof streamScore>('streamScore', {
          taskQueue,
          workflowId: uniqueTaskQueue('stream-loop'),
          args: [{ ...INPUT, outputTopic: INPUT.inputTopic }],
        })
        .catch((err: unknown) => err);
      assert.ok(same instanceof WorkflowFailedError);
      assert.match(String(same.cause?.message), /outputTopic must differ from inputTopic/);
    });
    assert.equal(seen[0]?.deadLetterTopic, 'churn-requests.dlq');
    assert.equal(seen[0]?.groupId, 'mlcycle-stream-telco-churn');
    // Not the run's own queue: a consumer holds its slot as long as the stream runs.
    assert.match(queues[0] ?? '', /^stream-.*-streams$/);
  });

  it('keeps the counts of a crashed attempt, adds the next segment, and returns the totals when cancelled', async () => {
    let calls = 0;
    const consume = async (): Promise<ConsumeStreamResult> => {
      const { info } = Context.current();
      const key = `${info.activityId}#${info.attempt}`;
      const handle = env.client.workflow.getHandle(info.workflowExecution?.workflowId ?? '');
      calls++;
      if (calls === 1) {
        // Reported 100, then the worker "crashed": the retry starts from zero counts of its own.
        await handle.signal(streamProgressSignal, counts(key, 100, 2));
        throw new Error('broker went away');
      }
      if (calls === 2) return { ...counts(key, 40, 1, 140), cancelled: false }; // a segment ended
      await handle.signal(streamProgressSignal, counts(key, 7, 0, 147));
      await untilCancelled();
      return { ...counts(key, 10, 0, 150), cancelled: true };
    };
    await withWorker(consume, async (taskQueue) => {
      const handle = await env.client.workflow.start<typeof streamScore>('streamScore', {
        taskQueue,
        workflowId: uniqueTaskQueue('stream-totals'),
        args: [INPUT],
      });
      await waitFor(async () => (await handle.query(streamScoreProgressQuery)).records === 147, {
        timeoutMs: 20_000,
        intervalMs: 50,
        what: 'the progress query to add the three attempts',
      });
      const progress = await handle.query(streamScoreProgressQuery);
      assert.equal(progress.rejected, 3);
      assert.deepEqual(progress.lastOffsets, { 'churn-requests:0': '147' });
      await handle.cancel();
      const result = await handle.result();
      assert.deepEqual(result, { records: 150, rejected: 3, lastOffsets: { 'churn-requests:0': '150' } });
      const { status } = await handle.describe();
      assert.equal(status.name, 'COMPLETED');
    });
    assert.equal(calls, 3);
  });

  it('continues as new before its history grows past 2,000 events, carrying the counts into the new run', async () => {
    const runs = new Set<string>();
    let calls = 0;
    const consume = async (): Promise<ConsumeStreamResult> => {
      const { info } = Context.current();
      const key = `${info.workflowExecution?.runId}/${info.activityId}#${info.attempt}`;
      runs.add(info.workflowExecution?.runId ?? '');
      calls++;
      // Segments that end at once fill the first run's history; the second run streams until cancelled.
      if (runs.size === 1) return { ...counts(key, 1, 0, calls), cancelled: false };
      await untilCancelled();
      return { ...counts(key, 1, 0, calls), cancelled: true };
    };
    await withWorker(consume, async (taskQueue) => {
      const workflowId = uniqueTaskQueue('stream-continue');
      const handle = await env.client.workflow.start<typeof streamScore>('streamScore', {
        taskQueue,
        workflowId,
        args: [INPUT],
      });
      await waitFor(() => runs.size === 2, { timeoutMs: 120_000, intervalMs: 50, what: 'a second run' });
      const first = env.client.workflow.getHandle(workflowId, handle.firstExecutionRunId);
      const { historyLength, status } = await first.describe();
      assert.equal(status.name, 'CONTINUED_AS_NEW');
      assert.ok(historyLength <= 2_100, `the first run's history has ${historyLength} events`);
      await env.client.workflow.getHandle(workflowId).cancel();
      const result = await env.client.workflow.getHandle<typeof streamScore>(workflowId).result();
      assert.equal(result.records, calls, 'every segment counted once, across both runs');
    });
  });

  it('fails the run when the consumer fails with a non-retryable error', async () => {
    const consume = () =>
      Promise.reject(ApplicationFailure.nonRetryable('telco-churn v1 has no input schema', 'InvalidInputError'));
    const failure = await withWorker(consume, (taskQueue) =>
      env.client.workflow
        .execute<typeof streamScore>('streamScore', {
          taskQueue,
          workflowId: uniqueTaskQueue('stream-fatal'),
          args: [INPUT],
        })
        .catch((err: unknown) => err),
    );
    assert.ok(failure instanceof WorkflowFailedError);
    assert.ok(failure.cause instanceof ActivityFailure);
    assert.match(String(failure.cause.cause?.message), /no input schema/);
  });
});
