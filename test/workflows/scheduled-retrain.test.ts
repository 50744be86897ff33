import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LifecycleActivities } from '../../activities';
import type { MonitorActivities } from '../../activities/monitor-activities';
import type { DataChange, RetrainOptions } from '../../contracts/monitor-activities';
import type { ValidateDataInput } from '../../contracts/lifecycle-activities';
import { loadWorkflowBundle } from '../../workers/workflow-bundle';
import type { scheduledRetrain } from '../../workflows';
import type { ScheduledRetrainInput } from '../../contracts';
import { ML_STEP } from '../../workflows/search-attributes';
import { fakeLifecycleActivities } from '../helpers/fake-lifecycle';
import { startTestTemporal, uniqueTaskQueue } from '../helpers/temporal';

// Decision logic of scheduledRetrain with stand-in activities; the end-to-end retrain tests run the real ones.

// Each test trains its own data: the child's id is made of the data's sha256.
let dataCount = 0;
const newSha = (): string => (++dataCount).toString(16).padStart(8, '0').padEnd(64, 'f');
const stored: RetrainOptions = {
  fromVersion: 2,
  target: 'malignant',
  positiveLabel: '1',
  idColumn: 'sample_id',
  seed: 9,
};

interface Setup {
  sha?: string;
  change?: Partial<DataChange>;
  options?: RetrainOptions | null;
  lifecycle?: Partial<LifecycleActivities>;
}

describe('scheduledRetrain workflow logic', () => {
  let env: TestWorkflowEnvironment;
  before(async () => {
    env = await startTestTemporal();
  });
  after(async () => {
    await env?.teardown();
  });

  async function run(input: ScheduledRetrainInput, setup: Setup, taskQueue = uniqueTaskQueue('retrain')) {
    const validated: ValidateDataInput[] = [];
    const sha = setup.sha ?? newSha();
    const lifecycle = fakeLifecycleActivities([], setup.lifecycle);
    const monitor: Pick<MonitorActivities, 'checkDataChanged' | 'retrainOptions'> = {
      checkDataChanged: () =>
        Promise.resolve({
          changed: true,
          dataSha256: sha,
          servingSha256: 'a'.repeat(64),
          servingVersion: 2,
          ...setup.change,
        }),
      retrainOptions: () => Promise.resolve(setup.options === undefined ? stored : setup.options),
    };
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await loadWorkflowBundle(),
      activities: {
        ...monitor,
        ...lifecycle,
        validateData: (validation: ValidateDataInput) => {
          validated.push(validation);
          return lifecycle.validateData(validation);
        },
      },
    });
    return worker.runUntil(async () => {
      const handle = await env.client.workflow.start<typeof scheduledRetrain>('scheduledRetrain', {
        taskQueue,
        workflowId: uniqueTaskQueue('scheduled-retrain'),
        args: [input],
      });
      const output = await handle.result();
      const step = (await handle.describe()).typedSearchAttributes.get(ML_STEP);
      return { output, validated, step, sha };
    });
  }

  it('skips data a registered version was trained on, and says which and what became of it', async () => {
    const { output, validated, step } = await run(
      { modelName: 'cancer', dataUri: '/d.csv' },
      { change: { trained: { version: 3, serving: false, outcome: 'rejected: promotion gate: too low' } } },
    );
    assert.equal(output.skipped, true);
    assert.equal(output.outcome, 'skipped');
    assert.match(output.reason, /already trained as v3, which does not serve \(rejected: promotion gate: too low\)/);
    assert.deepEqual(validated, []);
    assert.equal(step, 'retrain-skipped');
  });

  it("trains changed data with the serving version's target, label, id column and seed, and the input's overrides", async () => {
    const { output, validated, step, sha } = await run(
      { modelName: 'cancer', dataUri: '/d.csv', idColumn: 'record', minRocAuc: 0.55 },
      {},
    );
    assert.equal(output.outcome, 'retrained', output.reason);
    assert.equal(output.skipped, false);
    assert.equal(output.lifecycleWorkflowId, `cancer-data-${sha.slice(0, 16)}`);
    assert.deepEqual(validated[0], {
      dataUri: '/d.csv',
      target: 'malignant',
      positiveLabel: '1',
      idColumn: 'record',
      minRowsPerClass: 20,
    });
    assert.equal(step, 'retrained');
  });

  it('drops the stored positive label when the input names another target', async () => {
    const { validated } = await run({ modelName: 'cancer', dataUri: '/d.csv', target: 'diagnosis' }, {});
    assert.equal(validated[0]?.target, 'diagnosis');
    assert.equal(validated[0]?.positiveLabel, undefined);
  });

  it('reports a failed retrain as failed, not as success, and trains the same data when triggered again', async () => {
    const taskQueue = uniqueTaskQueue('retrain-again');
    const sha = newSha();
    const failing = await run(
      { modelName: 'cancer', dataUri: '/d.csv' },
      {
        sha,
        lifecycle: {
          validateData: () =>
            Promise.reject(ApplicationFailure.nonRetryable('[missing-target] column "malignant"', 'InvalidDataError')),
        },
      },
      taskQueue,
    );
    assert.equal(failing.output.outcome, 'failed');
    assert.equal(failing.output.skipped, false);
    assert.equal(failing.output.lifecycle, undefined);
    assert.match(
      failing.output.reason,
      /retrain cancer-data-[0-9a-f]{16} failed: InvalidDataError: \[missing-target\] column "malignant"/,
    );
    assert.equal(failing.step, 'retrain-failed');

    // Same data, same child id: the failed child does not count as "trained".
    const again = await run({ modelName: 'cancer', dataUri: '/d.csv' }, { sha }, taskQueue);
    assert.equal(again.output.outcome, 'retrained', again.output.reason);
    assert.equal(again.output.lifecycleWorkflowId, failing.output.lifecycleWorkflowId);
  });

  it('reports a version kept from serving as not-deployed', async () => {
    const { output, step } = await run({ modelName: 'cancer', dataUri: '/d.csv', deploy: false }, {});
    assert.equal(output.outcome, 'not-deployed');
    assert.match(output.reason, /v3 registered, not deployed: deploy: false in the input/);
    assert.equal(step, 'retrain-not-deployed');
  });

  it('refuses a string "false" for deploy, a negative minRowsPerClass and an object idColumn, naming each', async () => {
    const failure = await run(
      { modelName: 'cancer', dataUri: '/d.csv', deploy: 'false', minRowsPerClass: -1, idColumn: {} } as never,
      {},
    ).catch((err: unknown) => err);
    assert.ok(failure instanceof WorkflowFailedError);
    assert.ok(failure.cause instanceof ApplicationFailure);
    assert.equal(failure.cause.type, 'InvalidInputError');
    assert.equal(failure.cause.nonRetryable, true);
    const problems = (failure.cause.details?.[0] as { problems: { field: string }[] }).problems;
    assert.deepEqual(problems.map((problem) => problem.field).sort(), ['deploy', 'idColumn', 'minRowsPerClass']);
  });

  it('refuses an input without dataUri, naming it', async () => {
    const failure = await run({ modelName: 'cancer' } as never, {}).catch((err: unknown) => err);
    assert.ok(failure instanceof WorkflowFailedError);
    assert.ok(failure.cause instanceof ApplicationFailure);
    assert.match(failure.cause.message, /invalid scheduledRetrain input: dataUri is required/);
  });

  it('fails before any work on overrides of the wrong type', async () => {
    const failure = await run({ modelName: 'cancer', dataUri: '/d.csv', seed: 'seven' as never, target: '' }, {}).catch(
      (err: unknown) => err,
    );
    assert.ok(failure instanceof WorkflowFailedError);
    assert.ok(failure.cause instanceof ApplicationFailure);
    assert.equal(failure.cause.type, 'InvalidInputError');
    assert.match(failure.cause.message, /target must be a non-empty string; seed must be a number/);
  });
});
