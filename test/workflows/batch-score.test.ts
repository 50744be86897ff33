import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BatchActivities } from '../../activities/batch';
import type { BatchScoreResult } from '../../contracts/batch';
import type { BatchChunk, BatchPlan, ChunkResult, JoinBatchInput } from '../../contracts/batch-activities';
import { loadWorkflowBundle } from '../../workers/workflow-bundle';
import type { batchScore } from '../../workflows';
import { startTestTemporal, uniqueTaskQueue } from '../helpers/temporal';

// Scheduling and failure logic of batchScore with stand-in activities; the end-to-end batch tests
// run the real ones.

const CHUNK_ROWS = 100;

function plan(chunks: number): BatchPlan {
  return {
    modelName: 'churn',
    version: 3,
    inputPath: '/data/in.csv',
    inputFormat: 'csv',
    inputSha256: 'a'.repeat(64),
    inputBytes: 1000,
    inputModifiedMs: 0,
    header: ['id', 'x'],
    delimiter: ',',
    outputPath: '/data/out.csv',
    outputFormat: 'csv',
    idColumn: 'id',
    rows: chunks * CHUNK_ROWS,
    chunkRows: CHUNK_ROWS,
    chunks: Array.from({ length: chunks }, (_, index) => ({ index, firstRow: index * CHUNK_ROWS, rows: CHUNK_ROWS })),
    workDir: '/home/batch/run',
    logSampleRows: 50_000,
  };
}

interface Recorded {
  calls: string[];
  scored: number[];
  mostAtOnce: number;
  joins: JoinBatchInput[];
}

/** Stand-ins that record what the workflow asked for; `rejectedIn` says how many rows each chunk rejects. */
function fakes(chunks: number, recorded: Recorded, rejectedIn: (index: number) => number = () => 0): BatchActivities {
  let running = 0;
  return {
    planBatchScore: () => {
      recorded.calls.push('plan');
      return Promise.resolve(plan(chunks));
    },
    scoreBatchChunk: async ({ chunk }: { chunk: BatchChunk }): Promise<ChunkResult> => {
      running++;
      recorded.mostAtOnce = Math.max(recorded.mostAtOnce, running);
      recorded.scored.push(chunk.index);
      // Yield once, so chunks of a wave overlap and their results come back in any order.
      await new Promise((resolve) => setImmediate(resolve));
      running--;
      const rejected = rejectedIn(chunk.index);
      return {
        index: chunk.index,
        rows: chunk.rows,
        scoredRows: chunk.rows - rejected,
        rejectedRows: rejected,
        partPath: `/p/${chunk.index}`,
        partSha256: 'p',
        rejectsPath: `/r/${chunk.index}`,
        rejectsSha256: 'r',
        logPath: `/l/${chunk.index}`,
        logSha256: 'l',
        loggedRows: chunk.rows - rejected,
        reasons: rejected > 0 ? [{ reason: 'unseen category in "x"', rows: rejected }] : [],
      };
    },
    joinBatchParts: (input: JoinBatchInput) => {
      recorded.calls.push(input.rejectsOnly ? 'join-rejects' : 'join');
      recorded.joins.push(input);
      return Promise.resolve(
        input.rejectsOnly
          ? { rejectsPath: '/data/out.rejects.csv', rejectsSha256: 'r' }
          : { outputPath: '/data/out.csv', outputSha256: 'o' },
      );
    },
    logBatchSample: ({ parts }: { parts: ChunkResult[] }) => {
      recorded.calls.push('log');
      return Promise.resolve({ loggedRows: parts.reduce((sum, part) => sum + part.loggedRows, 0) });
    },
    removeBatchParts: () => {
      recorded.calls.push('remove');
      return Promise.resolve();
    },
  };
}

describe('batchScore workflow logic', () => {
  let env: TestWorkflowEnvironment;
  before(async () => {
    env = await startTestTemporal();
  });
  after(async () => {
    await env?.teardown();
  });

  async function run(activities: BatchActivities, maxErrorRate?: number): Promise<BatchScoreResult> {
    const taskQueue = uniqueTaskQueue('batch');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await loadWorkflowBundle(),
      activities,
      maxConcurrentActivityTaskExecutions: 100,
    });
    return worker.runUntil(
      env.client.workflow.execute<typeof batchScore>('batchScore', {
        taskQueue,
        workflowId: taskQueue,
        args: [
          {
            modelName: 'churn',
            inputUri: '/data/in.csv',
            outputUri: '/data/out.csv',
            ...(maxErrorRate !== undefined && { maxErrorRate }),
          },
        ],
      }),
    );
  }

  it('scores every chunk once, at most eight at a time, and joins the parts in input order', async () => {
    const recorded: Recorded = { calls: [], scored: [], mostAtOnce: 0, joins: [] };
    const result = await run(fakes(20, recorded));
    assert.deepEqual(
      [...recorded.scored].sort((a, b) => a - b),
      Array.from({ length: 20 }, (_, i) => i),
    );
    assert.ok(recorded.mostAtOnce <= 8 && recorded.mostAtOnce > 1, `at most ${recorded.mostAtOnce} at once`);
    assert.deepEqual(
      recorded.joins[0]?.parts.map((part) => part.index),
      Array.from({ length: 20 }, (_, i) => i),
    );
    assert.equal('chunks' in (recorded.joins[0]?.plan ?? {}), false, 'the chunk list stays out of later payloads');
    assert.deepEqual(recorded.calls.slice(1).sort(), ['join', 'log', 'remove']);
    assert.equal(recorded.calls.at(-1), 'remove');
    assert.equal(result.version, 3);
    assert.equal(result.rows, 2000);
    assert.equal(result.scoredRows, 2000);
    assert.equal(result.loggedRows, 2000);
    assert.equal(result.logSampled, false);
  });

  it('scores an empty input with no chunk and still writes the output', async () => {
    const recorded: Recorded = { calls: [], scored: [], mostAtOnce: 0, joins: [] };
    const result = await run(fakes(0, recorded));
    assert.deepEqual(recorded.scored, []);
    assert.equal(result.rows, 0);
    assert.equal(result.outputUri, '/data/out.csv');
  });

  it('stops scheduling chunks once the rejects exceed the error rate, writes the rejects and fails typed', async () => {
    const recorded: Recorded = { calls: [], scored: [], mostAtOnce: 0, joins: [] };
    // 50 of 100 rows rejected in chunk 1: already 2.5% of the whole 2,000 rows, above 1%.
    const error = await run(fakes(20, recorded, (index) => (index === 1 ? 50 : 0))).then(
      () => assert.fail('the run should fail'),
      (err: unknown) => err,
    );
    assert.ok(error instanceof WorkflowFailedError);
    assert.ok(error.cause instanceof ApplicationFailure);
    assert.equal(error.cause.type, 'TooManyRejectsError');
    assert.equal(error.cause.nonRetryable, true);
    assert.match(
      error.cause.message,
      /^50 of 2000 rows \(2\.50%\) failed validation, more than maxErrorRate 1% allows/,
    );
    assert.match(
      error.cause.message,
      /unseen category in "x" \(50 rows\); rejected rows in \/data\/out\.rejects\.csv$/,
    );
    assert.ok(recorded.scored.length < 20, `${recorded.scored.length} chunks scored`);
    assert.deepEqual(
      recorded.calls.slice(1),
      ['join-rejects', 'remove'],
      'the rejects written, then the parts removed',
    );
  });

  it('accepts rejects up to the error rate it is given', async () => {
    const recorded: Recorded = { calls: [], scored: [], mostAtOnce: 0, joins: [] };
    const result = await run(
      fakes(20, recorded, (index) => (index === 1 ? 50 : 0)),
      0.025,
    );
    assert.equal(result.rejectedRows, 50);
    assert.equal(result.scoredRows, 1950);
  });
});
