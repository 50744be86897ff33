import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LifecycleActivities } from '../../activities';
import { loadWorkflowBundle } from '../../workers/workflow-bundle';
import type { mlLifecycle } from '../../workflows';
import type { MlLifecycleInput, MlLifecycleProgress } from '../../contracts';
import { type Calls, fakeLifecycleActivities as fakeActivities } from '../helpers/fake-lifecycle';
import { startTestTemporal, uniqueTaskQueue } from '../helpers/temporal';

// Workflow logic only: activities are stand-ins here (the end-to-end tests run the real ones).

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

  it('runs validate, train, export, register, the champion gate and deploy in order and reports the deployed version', async () => {
    const calls: Calls = [];
    const { result, progress, handle } = await run(
      { modelName: 'churn', dataUri: '/data/x.csv' },
      fakeActivities(calls),
    );
    assert.deepEqual(calls, [
      'validateData',
      'trainModel',
      'exportModel',
      'registerModel',
      'compareWithChampion',
      'deployModel',
    ]);
    assert.equal(result?.version, 3);
    assert.equal(result?.deployed, true);
    assert.equal(result?.metrics.rocAuc, 0.85);
    assert.equal(progress?.current, 'finished');
    // No champion to compare with and no approval asked for: those two steps are skipped.
    assert.deepEqual(
      progress?.steps.map((s) => s.status),
      ['done', 'done', 'done', 'done', 'skipped', 'skipped', 'done'],
    );
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
    assert.equal(result?.servingVersion, 2, 'the version that keeps serving, not null');
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

  // Defects found when tried as a user would: each reached the activities and did harm.
  const wrongTypes: [string, Record<string, unknown>, string, RegExp][] = [
    ['a string "false" for deploy, which deployed the model', { deploy: 'false' }, 'deploy', /must be boolean/],
    [
      'a negative minRowsPerClass, which registered a version trained on 30 rows',
      { minRowsPerClass: -1 },
      'minRowsPerClass',
      />= 1/,
    ],
    [
      'an object as idColumn, which was reported as column "[object Object]"',
      { idColumn: {} },
      'idColumn',
      /must be string; got \{\}/,
    ],
    ['a fractional maxCategories', { maxCategories: 2.5 }, 'maxCategories', /must be integer/],
    ['a minRocAuc above 1, which no model could reach', { minRocAuc: 1.5 }, 'minRocAuc', /<= 1/],
  ];
  for (const [what, fields, field, message] of wrongTypes) {
    it(`refuses ${what}, naming ${field}, before any activity`, async () => {
      const calls: Calls = [];
      const { error } = await run({ modelName: 'churn', dataUri: '/data/x.csv', ...fields }, fakeActivities(calls));
      assert.ok(error instanceof WorkflowFailedError, String(error));
      const cause = error.cause;
      assert.ok(cause instanceof ApplicationFailure);
      assert.equal(cause.type, 'InvalidInputError');
      assert.equal(cause.nonRetryable, true);
      const problems = (cause.details?.[0] as { problems: { field: string; message: string }[] }).problems;
      assert.deepEqual(
        problems.map((problem) => problem.field),
        [field],
      );
      assert.match(cause.message, new RegExp(`${field} `));
      assert.match(problems[0]?.message ?? '', message);
      assert.deepEqual(calls, []);
    });
  }

  it('names every wrong field at once', async () => {
    const calls: Calls = [];
    const { error } = await run(
      { modelName: 'churn', dataUri: '/data/x.csv', deploy: 'no', seed: 'seven', target: 7 },
      fakeActivities(calls),
    );
    assert.ok(error instanceof WorkflowFailedError);
    assert.ok(error.cause instanceof ApplicationFailure);
    const problems = (error.cause.details?.[0] as { problems: { field: string }[] }).problems;
    assert.deepEqual(problems.map((problem) => problem.field).sort(), ['deploy', 'seed', 'target']);
    assert.deepEqual(calls, []);
  });

  it('reads a number as positiveLabel as its decimal string, as a 0/1 target holds the text "1"', async () => {
    const calls: Calls = [];
    const labels: unknown[] = [];
    const activities = fakeActivities(calls);
    const { result } = await run(
      { modelName: 'churn', dataUri: '/data/x.csv', target: 'y', positiveLabel: 1 },
      {
        ...activities,
        validateData: (input) => {
          labels.push(input.positiveLabel);
          return activities.validateData(input);
        },
      },
    );
    assert.equal(result?.deployed, true);
    assert.deepEqual(labels, ['1']);
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
