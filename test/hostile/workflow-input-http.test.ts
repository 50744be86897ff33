import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadWorkflowBundle } from '../../workers/workflow-bundle';
import { type Calls, fakeLifecycleActivities } from '../helpers/fake-lifecycle';
import { startTestTemporal, uniqueTaskQueue } from '../helpers/temporal';
import { freePort } from '../helpers/free-port';

// Workflow inputs started over HTTP, through the Temporal server's own HTTP API (no Temporal SDK on
// the client side), as a user of another language would: the workflow's schema check refuses each
// wrong field by name, before any activity. Activities are stand-ins that count their calls.

describe('workflow inputs sent over the Temporal HTTP API are checked by the workflow', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let httpPort: number;
  const taskQueue = uniqueTaskQueue('http-input');
  const calls: Calls = [];

  before(async () => {
    httpPort = await freePort();
    env = await startTestTemporal(['--http-port', String(httpPort)]);
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await loadWorkflowBundle(),
      activities: fakeLifecycleActivities(calls),
    });
    running = worker.run();
  });
  after(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
  });

  /** Starts a workflow with a plain JSON POST; the input is the HTTP API's JSON payload shorthand. */
  async function startOverHttp(workflowType: string, input: unknown): Promise<string> {
    const workflowId = uniqueTaskQueue(workflowType);
    const response = await fetch(`http://127.0.0.1:${httpPort}/api/v1/namespaces/default/workflows/${workflowId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workflowType: { name: workflowType }, taskQueue: { name: taskQueue }, input: [input] }),
    });
    assert.equal(response.status, 200, await response.clone().text());
    return workflowId;
  }

  async function problemFields(workflowId: string): Promise<string[]> {
    const error = await env.client.workflow
      .getHandle(workflowId)
      .result()
      .then(
        () => assert.fail('accepted'),
        (err: unknown) => err,
      );
    assert.ok(error instanceof WorkflowFailedError, String(error));
    assert.ok(error.cause instanceof ApplicationFailure, String(error.cause));
    assert.equal(error.cause.type, 'InvalidInputError');
    assert.equal(error.cause.nonRetryable, true);
    return (error.cause.details?.[0] as { problems: { field: string }[] }).problems.map((problem) => problem.field);
  }

  const defects: [string, Record<string, unknown>, string][] = [
    ['a string "false" as deploy', { deploy: 'false' }, 'deploy'],
    ['-1 as minRowsPerClass', { minRowsPerClass: -1 }, 'minRowsPerClass'],
    ['an object as idColumn', { idColumn: {} }, 'idColumn'],
  ];
  for (const [what, fields, field] of defects) {
    it(`mlLifecycle refuses ${what}, naming ${field}, before any activity`, async () => {
      calls.length = 0;
      const workflowId = await startOverHttp('mlLifecycle', { modelName: 'churn', dataUri: '/data/x.csv', ...fields });
      assert.deepEqual(await problemFields(workflowId), [field]);
      assert.deepEqual(calls, []);
    });
  }

  it('scheduledRetrain and driftMonitor refuse a wrong field by name too', async () => {
    calls.length = 0;
    const retrain = await startOverHttp('scheduledRetrain', { modelName: 'churn', dataUri: '/d.csv', deploy: 'no' });
    assert.deepEqual(await problemFields(retrain), ['deploy']);
    const monitor = await startOverHttp('driftMonitor', { modelName: 'churn', minRows: '100' });
    assert.deepEqual(await problemFields(monitor), ['minRows']);
    assert.deepEqual(calls, []);
  });
});
