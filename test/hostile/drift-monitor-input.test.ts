import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MonitorActivities } from '../../activities/monitor-activities';
import type { DriftCheckInput } from '../../contracts/monitor-activities';
import { loadWorkflowBundle } from '../../workers/workflow-bundle';
import type { driftMonitor } from '../../workflows';
import type { DriftMonitorInput } from '../../contracts';
import { startTestTemporal, uniqueTaskQueue } from '../helpers/temporal';

// Hostile driftMonitor inputs on a real Temporal server: each must fail on the workflow's first task,
// typed and non-retryable, before any activity runs. Activities are stand-ins that count their calls.

const HOUR = 3_600_000;

function standIns(calls: string[], checks: DriftCheckInput[]): MonitorActivities {
  return {
    getMonitorState: () => {
      calls.push('getMonitorState');
      return Promise.resolve({
        servingVersion: 1,
        lastWindowTo: null,
        lastRetrainAt: null,
        lastRetrainWorkflowId: null,
      });
    },
    checkDrift: (input) => {
      calls.push('checkDrift');
      checks.push(input);
      return Promise.resolve({
        drifted: false,
        dataDrift: false,
        driftShare: 0,
        features: [],
        window: { rows: 500, from: input.from, to: input.to },
        summary: 'no drift',
        reportPath: null,
        jsonPath: null,
      });
    },
    recordMonitorRun: () => {
      calls.push('recordMonitorRun');
      return Promise.resolve();
    },
    checkDataChanged: () => Promise.reject(new Error('not used')),
    retrainOptions: () => Promise.reject(new Error('not used')),
    prepareRetrainData: () => Promise.reject(new Error('not used')),
  };
}

describe('driftMonitor refuses hostile input before any activity', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = uniqueTaskQueue('hostile-monitor');
  const calls: string[] = [];
  const checks: DriftCheckInput[] = [];

  before(async () => {
    env = await startTestTemporal();
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await loadWorkflowBundle(),
      activities: standIns(calls, checks),
    });
    running = worker.run();
  });
  after(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
  });

  const start = (input: unknown) =>
    env.client.workflow.execute<typeof driftMonitor>('driftMonitor', {
      taskQueue,
      workflowId: uniqueTaskQueue('monitor'),
      args: [input as DriftMonitorInput],
    });

  async function refused(input: unknown, field: string): Promise<ApplicationFailure> {
    calls.length = 0;
    const error = await start(input).then(
      () => assert.fail(`accepted ${JSON.stringify(input)}`),
      (err: unknown) => err,
    );
    assert.ok(error instanceof WorkflowFailedError, String(error));
    const cause = error.cause;
    assert.ok(cause instanceof ApplicationFailure, String(cause));
    assert.equal(cause.type, 'InvalidInputError');
    assert.equal(cause.nonRetryable, true);
    const problems = (cause.details?.[0] as { problems: { field: string }[] }).problems;
    assert.ok(
      problems.some((problem) => problem.field === field),
      `${field} not named in ${cause.message}`,
    );
    assert.deepEqual(calls, [], `activities ran for ${JSON.stringify(input)}`);
    return cause;
  }

  const bad: [string, Record<string, unknown>, string][] = [
    ['a time without a zone', { to: '2026-11-30 23:59:00' }, 'to'],
    ['a slash date', { to: '2026/12/01' }, 'to'],
    ['a six-digit year', { from: '+275760-09-13T00:00:00.000Z' }, 'from'],
    ['garbage', { from: 'garbage' }, 'from'],
    ['a path', { to: '../../etc/passwd' }, 'to'],
    ['an impossible date', { from: '2026-02-30T00:00:00Z' }, 'from'],
    ['an offset out of range', { from: '2026-01-01T00:00:00+24:00' }, 'from'],
    ['a fractional epoch', { from: 1_764_547_200_000.5 }, 'from'],
    ['epoch seconds', { from: 1_764_547_200 }, 'from'],
    ['a boolean', { to: true }, 'to'],
    ['a negative minRows', { minRows: -5 }, 'minRows'],
    ['a fractional minRows', { minRows: 2.5 }, 'minRows'],
    ['a string minRows', { minRows: '100' }, 'minRows'],
    ['a negative minNewLabelled', { minNewLabelled: -1 }, 'minNewLabelled'],
    ['a fractional minNewLabelled', { minNewLabelled: 0.5 }, 'minNewLabelled'],
    ['a malformed cooldown', { cooldown: 'soon' }, 'cooldown'],
    ['a retrain policy without its data', { retrainPolicy: { mode: 'dataUri' } }, 'retrainPolicy.dataUri'],
    ['an unknown retrain mode', { retrainPolicy: { mode: 'everything' } }, 'retrainPolicy.mode'],
    ['a string "false" for retrain', { retrain: 'false' }, 'retrain'],
    ['a config key of the wrong type', { config: { alpha: '0.05' } }, 'config.alpha'],
    [
      'a drift test that does not exist',
      { config: { features: { tenure: { test: 'ttest' } } } },
      'config.features.tenure.test',
    ],
    ['an object as cooldown', { cooldown: {} }, 'cooldown'],
    ['a path as model name', { modelName: '../x' }, 'modelName'],
    ['a dot-dot model name', { modelName: '..' }, 'modelName'],
  ];
  for (const [what, fields, field] of bad) {
    it(`refuses ${what} in ${field}, naming the field`, async () => {
      await refused({ modelName: 'churn', ...fields }, field);
    });
  }

  it('refuses a window that ends in the future, saying the next run would skip traffic', async () => {
    const cause = await refused({ modelName: 'churn', to: new Date(Date.now() + 2 * HOUR).toISOString() }, 'to');
    assert.match(cause.message, /in the future/);
  });

  it('refuses from after to', async () => {
    await refused({ modelName: 'churn', from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' }, 'from');
  });

  it('takes any RFC 3339 offset and epoch milliseconds, and passes canonical UTC times to the check', async () => {
    const cases: [unknown, string][] = [
      ['2026-11-30T23:59:00+05:30', '2026-11-30T18:29:00.000Z'],
      ['2026-11-30T18:29:00-00:00', '2026-11-30T18:29:00.000Z'],
      ['2026-11-30t18:29:00.123456z', '2026-11-30T18:29:00.123Z'],
      [Date.UTC(2026, 10, 30, 18, 29), '2026-11-30T18:29:00.000Z'],
    ];
    for (const [from, expected] of cases) {
      checks.length = 0;
      const result = await start({ modelName: 'churn', from, to: '2026-11-30T20:00:00+00:00' });
      assert.equal(result.decision, 'no-drift');
      assert.equal(checks[0]?.from, expected, String(from));
      assert.equal(checks[0]?.to, '2026-11-30T20:00:00.000Z');
    }
  });

  it('accepts a to a little ahead of its clock, as clocks of clients and servers disagree', async () => {
    const result = await start({ modelName: 'churn', to: Date.now() + 60_000 });
    assert.equal(result.decision, 'no-drift');
  });
});
