import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LifecycleActivities } from '../../src/activities';
import type { DeployOutcome, ValidatedData } from '../../src/activities/types';
import type { ClassificationMetrics } from '../../src/models/types';
import { loadWorkflowBundle } from '../../src/workers/workflow-bundle';
import type { mlLifecycle } from '../../src/workflows';
import type { MlLifecycleInput, MlLifecycleProgress } from '../../src/workflows/lifecycle-types';
import { startTestTemporal, uniqueTaskQueue } from '../helpers/temporal';

// Workflow logic only: activities are stand-ins here (the end-to-end tests run the real ones).

const metrics: ClassificationMetrics = {
  rocAuc: 0.85,
  prAuc: 0.66,
  accuracy: 0.8,
  precision: 0.6,
  recall: 0.7,
  f1: 0.65,
  logLoss: 0.42,
  brier: 0.14,
  threshold: 0.4,
  confusion: { tp: 1, fp: 1, tn: 1, fn: 1 },
  rows: 4,
  positives: 2,
};

const validated: ValidatedData = {
  dataPath: '/data/x.csv',
  dataSha256: 'a'.repeat(64),
  rows: 100,
  target: 'Churn',
  positiveLabel: 'Yes',
  negativeLabel: 'No',
  idColumn: null,
  inputs: [{ name: 'tenure', kind: 'numeric' }],
  classCounts: { Yes: 50, No: 50 },
  missing: [],
  profilePath: '/tmp/profile.json',
};

type Calls = string[];

function fakeActivities(calls: Calls, overrides: Partial<LifecycleActivities> = {}): LifecycleActivities {
  const record =
    <T>(name: string, value: T) =>
    async (): Promise<T> => {
      calls.push(name);
      return Promise.resolve(value);
    };
  return {
    validateData: record('validateData', validated),
    trainModel: record('trainModel', {
      trainedPath: '/t.json',
      trainedSha256: 'b'.repeat(64),
      expectedPath: '/e.json',
      expectedSha256: 'c'.repeat(64),
      baselinePath: '/b.json',
      baselineSha256: 'e'.repeat(64),
      metrics,
      threshold: 0.4,
      params: {},
    }),
    exportModel: record('exportModel', {
      onnxPath: '/m.onnx',
      onnxSha256: 'd'.repeat(64),
      checkedRows: 4,
      maxAbsDiff: 1e-7,
    }),
    registerModel: record('registerModel', { version: 3, artifactSha256: 'd'.repeat(64), created: true }),
    rejectModel: record('rejectModel', undefined),
    deployModel: record<DeployOutcome>('deployModel', {
      deployed: true,
      reason: 'smoke test passed',
      smokeRows: 4,
      maxAbsDiff: 0,
      servingVersion: 3,
    }),
    ...overrides,
  };
}

describe('mlLifecycle workflow logic', () => {
  let env: TestWorkflowEnvironment;

  before(async () => {
    env = await startTestTemporal();
  });
  after(async () => {
    await env?.teardown();
  });

  async function run(input: unknown, activities: LifecycleActivities) {
    const taskQueue = uniqueTaskQueue('lifecycle-logic');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await loadWorkflowBundle(),
      activities,
    });
    return worker.runUntil(async () => {
      const handle = await env.client.workflow.start<typeof mlLifecycle>('mlLifecycle', {
        taskQueue,
        workflowId: uniqueTaskQueue('wf'),
        args: [input as MlLifecycleInput],
      });
      try {
        const result = await handle.result();
        const progress = await handle.query<MlLifecycleProgress>('progress');
        return { result, progress, handle };
      } catch (err) {
        return { error: err, handle };
      }
    });
  }

  it('runs validate, train, export, register and deploy in order and reports the deployed version', async () => {
    const calls: Calls = [];
    const { result, progress, handle } = await run(
      { modelName: 'churn', dataUri: '/data/x.csv' },
      fakeActivities(calls),
    );
    assert.deepEqual(calls, ['validateData', 'trainModel', 'exportModel', 'registerModel', 'deployModel']);
    assert.equal(result?.version, 3);
    assert.equal(result?.deployed, true);
    assert.equal(result?.metrics.rocAuc, 0.85);
    assert.equal(progress?.current, 'finished');
    assert.ok(progress?.steps.every((s) => s.status === 'done'));
    const description = await handle.describe();
    assert.deepEqual(description.searchAttributes.ModelName, ['churn']);
    assert.deepEqual(description.searchAttributes.ModelVersion, [3]);
  });

  it('keeps the model registered but not deployed when it fails the promotion gate', async () => {
    const calls: Calls = [];
    const { result } = await run({ modelName: 'churn', dataUri: '/data/x.csv', minRocAuc: 0.9 }, fakeActivities(calls));
    assert.equal(result?.deployed, false);
    assert.match(result?.reason ?? '', /promotion gate: test ROC AUC 0\.8500 is below the minimum 0\.9/);
    assert.deepEqual(calls.slice(-2), ['registerModel', 'rejectModel']);
  });

  it('reports a deploy that keeps failing as not deployed, with the reason, instead of failing the run', async () => {
    const calls: Calls = [];
    const { result } = await run(
      { modelName: 'churn', dataUri: '/data/x.csv' },
      fakeActivities(calls, {
        deployModel: () => {
          calls.push('deployModel');
          return Promise.reject(ApplicationFailure.nonRetryable('scoring server unreachable', 'ScoringUnavailable'));
        },
      }),
    );
    assert.equal(result?.deployed, false);
    assert.match(result?.reason ?? '', /scoring server unreachable.*previous version keeps serving/);
    assert.deepEqual(calls.slice(-2), ['deployModel', 'rejectModel']);
  });

  it('fails fast with InvalidInputError before any activity when the input is malformed', async () => {
    const calls: Calls = [];
    const { error } = await run({ modelName: 'bad name!', algorithm: 'svm' }, fakeActivities(calls));
    assert.ok(error instanceof WorkflowFailedError);
    const cause = error.cause;
    assert.ok(cause instanceof ApplicationFailure);
    assert.equal(cause.type, 'InvalidInputError');
    assert.match(cause.message, /modelName/);
    assert.match(cause.message, /dataUri/);
    assert.match(cause.message, /algorithm/);
    assert.deepEqual(calls, []);
  });

  it('fails the run with the typed data failure when validation rejects the data, without retrying', async () => {
    const calls: Calls = [];
    const { error } = await run(
      { modelName: 'churn', dataUri: '/data/x.csv' },
      fakeActivities(calls, {
        validateData: () => {
          calls.push('validateData');
          return Promise.reject(
            ApplicationFailure.create({ type: 'InvalidDataError', message: 'bad', nonRetryable: false }),
          );
        },
      }),
    );
    assert.ok(error instanceof WorkflowFailedError);
    assert.equal(calls.filter((c) => c === 'validateData').length, 1, 'InvalidDataError must not be retried');
  });
});
