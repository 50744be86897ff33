import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type {
  DeployOutcome,
  LearnOnlineInput,
  LearnOnlineResult,
  OnlineMetricsSnapshot,
  OnlineTrainingInput,
  OnlineTrainingProgress,
  StartOnlineResult,
} from '../../contracts';
import { streamTaskQueueOf } from '../../contracts/stream';
import { loadWorkflowBundle } from '../../workers/workflow-bundle';
import type { onlineTraining } from '../../workflows';
import { startTestTemporal, uniqueTaskQueue } from '../helpers/temporal';
import { waitFor } from '../helpers/wait-for';

// Logic of onlineTraining and onlinePublish with stand-in activities; test/e2e/online-*.test.ts run the
// real ones on a real stack and Kafka broker.

const INPUT: OnlineTrainingInput = {
  modelName: 'telco-churn',
  source: { kafka: { brokers: ['127.0.0.1:9092'], topic: 'labelled' } },
  publishEvery: 1_000,
};

const METRICS: OnlineMetricsSnapshot = {
  records: 500,
  windowSize: 2_000,
  observedRate: 0.3,
  online: { logLoss: 0.4, rocAuc: 0.8, meanPredicted: 0.3, ece: 0.02 },
  serving: { logLoss: 0.45, rocAuc: 0.79, meanPredicted: 0.3, ece: 0.03 },
};

/** A stand-in source of `available` records (then none), learned `maxRecords` at a time. */
class FakeLearner {
  learned = 0;
  calls: LearnOnlineInput[] = [];
  pauseAt: number | null = null;
  constructor(public available: number) {}

  learn = async (input: LearnOnlineInput): Promise<LearnOnlineResult> => {
    this.calls.push(input);
    const records = Math.min(input.maxRecords, this.available - this.learned);
    if (records === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    this.learned += records;
    const pause = this.pauseAt !== null && this.learned >= this.pauseAt;
    if (pause) this.pauseAt = null;
    return {
      checkpoint: { path: `/checkpoints/online-${this.learned}.json`, sha256: 'a'.repeat(64) },
      records,
      recordsLearned: this.learned,
      skipped: 0,
      lastSkipReason: null,
      cursor: { kind: 'kafka', offsets: { 'labelled:0': String(this.learned) } },
      metrics: METRICS,
      servingVersion: 1,
      pauseReason: pause ? 'the labels of the last 500 records contradict the serving version' : null,
    };
  };
}

describe('onlineTraining workflow logic', () => {
  let env: TestWorkflowEnvironment;
  before(async () => {
    env = await startTestTemporal();
  });
  after(async () => {
    await env?.teardown();
  });

  async function run(
    learner: FakeLearner,
    publishes: { beats: boolean[]; deployed: number[]; rejected: { version: number; reason: string }[] },
    body: (handle: Awaited<ReturnType<typeof env.client.workflow.start<typeof onlineTraining>>>) => Promise<void>,
    input: OnlineTrainingInput = INPUT,
  ): Promise<void> {
    const taskQueue = uniqueTaskQueue('online');
    let versions = 1;
    let candidates = 0;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await loadWorkflowBundle(),
      activities: {
        startOnlineTraining: (): Promise<StartOnlineResult> =>
          Promise.resolve({
            checkpoint: { path: '/checkpoints/online-0.json', sha256: 'b'.repeat(64) },
            parentVersion: 1,
            cursor: { kind: 'kafka', offsets: {} },
            metrics: { ...METRICS, records: 0 },
          }),
        prepareOnlineCandidate: () => {
          const beats = publishes.beats[candidates++] ?? false;
          return Promise.resolve({
            trained: { trainedPath: 't', expectedPath: 'e', baselinePath: 'b', metrics: {}, params: {} },
            data: {},
            dataUri: '/data/telco.csv',
            beatsServing: beats,
            reason: beats ? 'beats serving: …' : 'not better: …',
          });
        },
        exportModel: () => Promise.resolve({ onnxPath: 'm.onnx', onnxSha256: 'c', checkedRows: 10, maxAbsDiff: 0 }),
        registerModel: () => Promise.resolve({ version: ++versions, artifactSha256: 'c', created: true }),
        deployModel: ({ version }: { version: number }): Promise<DeployOutcome> => {
          publishes.deployed.push(version);
          return Promise.resolve({
            deployed: true,
            reason: 'smoke test passed',
            smokeRows: 10,
            maxAbsDiff: 0,
            servingVersion: version,
          });
        },
        rejectModel: ({ version, reason }: { version: number; reason: string }) => {
          publishes.rejected.push({ version, reason });
          return Promise.resolve({ servingVersion: 1 });
        },
      },
    });
    // Learn calls run on the stream queue of the run's queue, as workers/stream-worker.ts polls it.
    const learners = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: streamTaskQueueOf(taskQueue),
      activities: { learnOnlineBatch: learner.learn },
    });
    await worker.runUntil(
      learners.runUntil(async () => {
        const handle = await env.client.workflow.start<typeof onlineTraining>('onlineTraining', {
          taskQueue,
          workflowId: uniqueTaskQueue('online-run'),
          args: [input],
        });
        await body(handle);
      }),
    );
  }

  const progress = (handle: { query<T>(name: string): Promise<T> }) => handle.query<OnlineTrainingProgress>('progress');

  it('publishes a candidate every publishEvery records, deploying only the one that beats serving', async () => {
    const learner = new FakeLearner(2_500);
    const publishes = {
      beats: [false, true],
      deployed: [] as number[],
      rejected: [] as { version: number; reason: string }[],
    };
    await run(learner, publishes, async (handle) => {
      await waitFor(
        async () =>
          (await progress(handle)).recordsLearned === 2_500 && (await progress(handle)).published.length === 2,
        {
          timeoutMs: 30_000,
          what: 'two candidates',
        },
      );
      // Each call takes at most the records left until the next publish: the candidates fall on exact counts.
      assert.deepEqual(
        learner.calls.slice(0, 2).map((c) => c.maxRecords),
        [1_000, 1_000],
      );
      await handle.signal('stop');
      const result = await handle.result();
      assert.deepEqual(
        result.published.map(({ version, deployed, fromRecord, toRecord }) => ({
          version,
          deployed,
          fromRecord,
          toRecord,
        })),
        [
          { version: 2, deployed: false, fromRecord: 1, toRecord: 1_000 },
          { version: 3, deployed: true, fromRecord: 1_001, toRecord: 2_000 },
        ],
      );
      assert.equal(result.recordsLearned, 2_500);
    });
    assert.deepEqual(publishes.deployed, [3]);
    assert.deepEqual(publishes.rejected, [{ version: 2, reason: 'not better: …' }]);
  });

  it('pauses when a learn call says so, publishes nothing while paused, and resumes with a fresh alarm window', async () => {
    const learner = new FakeLearner(3_000);
    learner.pauseAt = 800;
    const publishes = {
      beats: [true],
      deployed: [] as number[],
      rejected: [] as { version: number; reason: string }[],
    };
    await run(learner, publishes, async (handle) => {
      await waitFor(async () => (await progress(handle)).state === 'paused', { timeoutMs: 30_000, what: 'the pause' });
      const paused = await progress(handle);
      assert.match(paused.pauseReason ?? '', /contradict the serving version/);
      assert.equal(paused.recordsLearned, 1_000);
      assert.deepEqual(paused.published, []);
      const calls = learner.calls.length;
      await handle.signal('resume');
      await waitFor(async () => (await progress(handle)).recordsLearned === 3_000, {
        timeoutMs: 30_000,
        what: 'the rest',
      });
      assert.equal(learner.calls[calls]?.resumed, true);
      assert.equal(learner.calls[calls + 1]?.resumed, false);
      await handle.signal('pause', 'maintenance');
      await waitFor(async () => (await progress(handle)).state === 'paused', {
        timeoutMs: 30_000,
        what: 'the hand pause',
      });
      assert.equal((await progress(handle)).pauseReason, 'paused by hand: maintenance');
      await handle.signal('stop');
      const result = await handle.result();
      assert.equal(result.recordsLearned, 3_000);
    });
  });
});
