import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MonitorActivities } from '../../src/activities/monitor-activities';
import type { DriftCheckResult, MonitorState } from '../../src/activities/monitor-types';
import { loadWorkflowBundle } from '../../src/workers/workflow-bundle';
import type { driftMonitor } from '../../src/workflows';
import type { DriftMonitorInput } from '../../src/workflows/drift-monitor-types';
import { startTestTemporal, uniqueTaskQueue } from '../helpers/temporal';

// Decision logic of driftMonitor with stand-in activities; the end-to-end monitor test runs the real ones.

function check(drifted: boolean, rows = 5000): DriftCheckResult {
  return {
    drifted,
    dataDrift: drifted,
    driftShare: drifted ? 0.6 : 0,
    features: [{ name: 'tenure', test: 'ks', statistic: drifted ? 0.3 : 0.01, pValue: drifted ? 1e-9 : 0.8, drifted }],
    window: { rows, from: null, to: '2026-01-01T00:00:00.000Z' },
    summary: drifted ? '12 of 19 features drifted' : 'no drift',
    reportPath: '/tmp/report.html',
    jsonPath: '/tmp/report.json',
  };
}

interface Recorded {
  calls: string[];
  monitorRuns: { decision: string; retrainWorkflowId: string | null }[];
}

function fakes(state: Partial<MonitorState>, result: DriftCheckResult, recorded: Recorded) {
  const monitor: MonitorActivities = {
    getMonitorState: () =>
      Promise.resolve({
        servingVersion: 1,
        lastWindowTo: null,
        lastRetrainAt: null,
        lastRetrainWorkflowId: null,
        ...state,
      }),
    checkDrift: () => {
      recorded.calls.push('checkDrift');
      return Promise.resolve(result);
    },
    recordMonitorRun: (run) => {
      recorded.monitorRuns.push({ decision: run.decision, retrainWorkflowId: run.retrainWorkflowId });
      return Promise.resolve();
    },
    checkDataChanged: () => Promise.reject(new Error('not used')),
    prepareRetrainData: () => {
      recorded.calls.push('prepareRetrainData');
      return Promise.resolve({ dataUri: '/data/retrain.csv', rows: 7100, liveRows: 57 });
    },
  };
  return monitor;
}

describe('driftMonitor workflow decisions', () => {
  let env: TestWorkflowEnvironment;
  before(async () => {
    env = await startTestTemporal();
  });
  after(async () => {
    await env?.teardown();
  });

  async function run(input: DriftMonitorInput, state: Partial<MonitorState>, result: DriftCheckResult) {
    const recorded: Recorded = { calls: [], monitorRuns: [] };
    const taskQueue = uniqueTaskQueue('drift-monitor');
    // No lifecycle activities are registered: the retrain child only needs to start, and is terminated.
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await loadWorkflowBundle(),
      activities: fakes(state, result, recorded),
    });
    const output = await worker.runUntil(
      env.client.workflow.execute<typeof driftMonitor>('driftMonitor', {
        taskQueue,
        workflowId: uniqueTaskQueue('monitor'),
        args: [input],
      }),
    );
    return { output, recorded };
  }

  it('reports no drift, records the window and starts nothing', async () => {
    const { output, recorded } = await run({ modelName: 'churn' }, {}, check(false));
    assert.equal(output.decision, 'no-drift');
    assert.equal(output.drifted, false);
    assert.equal(output.retrainWorkflowId, undefined);
    assert.deepEqual(recorded.monitorRuns, [{ decision: 'no-drift', retrainWorkflowId: null }]);
  });

  it('starts a retrain with a deterministic workflow id when drift is found and no retrain is cooling down', async () => {
    const { output, recorded } = await run({ modelName: 'churn', to: '2026-01-01T00:00:00.000Z' }, {}, check(true));
    assert.equal(output.decision, 'retrain-started');
    assert.equal(output.retrainWorkflowId, 'churn-retrain-2026-01-01T00-00-00-000Z');
    assert.match(output.reason, /retraining on 7100 rows \(57 labelled live records\)/);
    assert.deepEqual(recorded.calls, ['checkDrift', 'prepareRetrainData']);
    const child = await env.client.workflow.getHandle(output.retrainWorkflowId ?? '').describe();
    assert.equal(child.type, 'mlLifecycle');
    await env.client.workflow.getHandle(output.retrainWorkflowId ?? '').terminate('test: only its start matters');
  });

  it('holds off during the cooldown after a recent retrain and says when it ends', async () => {
    const recent = new Date(Date.now() - 10 * 60_000).toISOString();
    const { output, recorded } = await run(
      { modelName: 'churn', cooldown: '1h' },
      { lastRetrainAt: recent, lastRetrainWorkflowId: 'churn-retrain-earlier' },
      check(true),
    );
    assert.equal(output.decision, 'drift-cooling-down');
    assert.match(output.reason, /churn-retrain-earlier started 10 min ago, cooldown ends in (50|51) min/);
    assert.ok(!recorded.calls.includes('prepareRetrainData'));
  });

  it('only reports drift when retraining is turned off', async () => {
    const { output } = await run({ modelName: 'churn', retrain: false }, {}, check(true));
    assert.equal(output.decision, 'drift-retrain-disabled');
    assert.equal(output.drifted, true);
  });

  it('tests nothing when too few predictions were logged, and when no version serves', async () => {
    const few = await run({ modelName: 'churn' }, {}, check(false, 12));
    assert.equal(few.output.decision, 'no-data');
    const none = await run({ modelName: 'churn' }, { servingVersion: null }, check(true));
    assert.equal(none.output.decision, 'no-data');
    assert.deepEqual(none.recorded.calls, []);
  });

  it('acts on concept drift from late labels even when the window holds too few predictions to test', async () => {
    const labelSpan = { from: '2025-12-31T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z' };
    const late: DriftCheckResult = {
      ...check(false, 12),
      drifted: true,
      features: [],
      performance: { labelled: 400, late: 400, rocAuc: 0.41, drifted: true, predictionSpan: labelSpan, labelSpan },
      summary: 'concept drift: ROC AUC 0.410 against 0.840 at training',
    };
    const { output } = await run({ modelName: 'churn', retrain: false }, {}, late);
    assert.equal(output.decision, 'drift-retrain-disabled');
    assert.equal(output.performance?.late, 400);
    assert.deepEqual(output.performance?.labelSpan, labelSpan);
  });
});
