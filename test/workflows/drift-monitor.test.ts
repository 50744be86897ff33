import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LifecycleActivities } from '../../activities';
import type { MonitorActivities } from '../../activities/monitor-activities';
import type {
  DriftCheckResult,
  MonitorState,
  PrepareRetrainDataInput,
  RetrainData,
} from '../../contracts/monitor-activities';
import type { ValidateDataInput } from '../../contracts/lifecycle-activities';
import { loadWorkflowBundle } from '../../workers/workflow-bundle';
import type { driftMonitor } from '../../workflows';
import type { DriftMonitorInput } from '../../contracts';
import { ML_STEP } from '../../workflows/search-attributes';
import { fakeLifecycleActivities, metrics, type Calls } from '../helpers/fake-lifecycle';
import { startTestTemporal, uniqueTaskQueue } from '../helpers/temporal';

// Decision logic of driftMonitor with stand-in activities, the retrain child's included; the
// end-to-end monitor tests run the real ones.

function check(drifted: boolean, rows = 5000): DriftCheckResult {
  return {
    drifted,
    dataDrift: drifted,
    driftShare: drifted ? 0.6 : 0,
    features: [{ name: 'tenure', test: 'ks', statistic: drifted ? 0.3 : 0.01, pValue: drifted ? 1e-9 : 0.8, drifted }],
    window: { rows, from: null, to: '2026-01-01T00:00:00.000Z' },
    // As the real summary, one sentence with its full stop; the monitor's decision continues it.
    summary: drifted ? '12 of 19 features drifted.' : 'no drift',
    reportPath: '/tmp/report.html',
    jsonPath: '/tmp/report.json',
  };
}

interface Recorded {
  calls: string[];
  monitorRuns: { decision: string; retrainWorkflowId: string | null; reason?: string }[];
  prepared: PrepareRetrainDataInput[];
  validated: ValidateDataInput[];
}

interface Setup {
  state?: Partial<MonitorState>;
  result: DriftCheckResult;
  data?: Partial<RetrainData>;
  lifecycle?: Partial<LifecycleActivities>;
}

function fakes({ state, result, data }: Setup, recorded: Recorded): MonitorActivities {
  return {
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
      recorded.monitorRuns.push({
        decision: run.decision,
        retrainWorkflowId: run.retrainWorkflowId,
        reason: run.reason,
      });
      return Promise.resolve();
    },
    checkDataChanged: () => Promise.reject(new Error('not used')),
    retrainOptions: ({ version }) => {
      recorded.calls.push('retrainOptions');
      return Promise.resolve({
        fromVersion: version ?? 1,
        target: 'malignant',
        positiveLabel: '1',
        idColumn: 'sample_id',
        seed: 7,
        minRocAuc: 0.7,
      });
    },
    prepareRetrainData: (input) => {
      recorded.calls.push('prepareRetrainData');
      recorded.prepared.push(input);
      return Promise.resolve({ dataUri: '/data/retrain.csv', rows: 7100, liveRows: 157, knownLiveRows: 3, ...data });
    },
  };
}

describe('driftMonitor workflow decisions', () => {
  let env: TestWorkflowEnvironment;
  before(async () => {
    env = await startTestTemporal();
  });
  after(async () => {
    await env?.teardown();
  });

  async function run(input: DriftMonitorInput, setup: Setup) {
    const recorded: Recorded = { calls: [], monitorRuns: [], prepared: [], validated: [] };
    const taskQueue = uniqueTaskQueue('drift-monitor');
    const lifecycleCalls: Calls = [];
    const lifecycle = fakeLifecycleActivities(lifecycleCalls, setup.lifecycle);
    const validateData = lifecycle.validateData;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await loadWorkflowBundle(),
      activities: {
        ...fakes(setup, recorded),
        ...lifecycle,
        validateData: (validation: ValidateDataInput) => {
          recorded.validated.push(validation);
          return validateData(validation);
        },
      },
    });
    return worker.runUntil(async () => {
      const handle = await env.client.workflow.start<typeof driftMonitor>('driftMonitor', {
        taskQueue,
        workflowId: uniqueTaskQueue('monitor'),
        args: [input],
      });
      const output = await handle.result();
      const step = (await handle.describe()).typedSearchAttributes.get(ML_STEP);
      const { currentDetails } = await handle.query<{ currentDetails: string }>('__temporal_workflow_metadata');
      return { output, recorded, step, currentDetails, lifecycleCalls };
    });
  }

  it('reports no drift, records the window and starts nothing', async () => {
    const { output, recorded } = await run({ modelName: 'churn' }, { result: check(false) });
    assert.equal(output.decision, 'no-drift');
    assert.equal(output.drifted, false);
    assert.equal(output.retrainWorkflowId, undefined);
    assert.deepEqual(recorded.monitorRuns, [{ decision: 'no-drift', retrainWorkflowId: null, reason: 'no drift' }]);
  });

  it("retrains with the serving version's target, label, id column and gate, waits, and reports the new version", async () => {
    const { output, recorded, step, currentDetails } = await run(
      { modelName: 'churn', to: '2026-01-01T00:00:00.000Z' },
      { result: check(true) },
    );
    assert.equal(output.decision, 'retrained', output.reason);
    assert.equal(output.retrainWorkflowId, 'churn-retrain-2026-01-01T00-00-00-000Z');
    assert.match(
      output.reason,
      /^12 of 19 features drifted; retrained on 7100 rows \(157 new labelled live records; 3 more already in/,
    );
    assert.match(output.reason, /v3 serves \(smoke test passed\)/);
    assert.deepEqual(output.retrain, {
      workflowId: 'churn-retrain-2026-01-01T00-00-00-000Z',
      rows: 7100,
      newLabelled: 157,
      knownLabelled: 3,
      minNewLabelled: 100,
      version: 3,
      deployed: true,
    });
    assert.deepEqual(recorded.calls, ['checkDrift', 'prepareRetrainData', 'retrainOptions']);
    assert.equal(recorded.prepared[0]?.minNewLabelled, 100);
    const [validation] = recorded.validated;
    assert.equal(validation?.dataUri, '/data/retrain.csv');
    assert.equal(validation?.target, 'malignant');
    assert.equal(validation?.positiveLabel, '1');
    assert.equal(validation?.idColumn, 'sample_id');
    assert.deepEqual(
      recorded.monitorRuns.map((r) => r.decision),
      ['retrained'],
    );
    assert.equal(step, 'retrained');
    assert.match(currentDetails, /\*\*retrained\*\*/);
  });

  it('reports a failed retrain as retrain-failed with the reason, in the result, details and MlStep', async () => {
    const { output, recorded, step, currentDetails, lifecycleCalls } = await run(
      { modelName: 'churn', to: '2026-01-02T00:00:00.000Z' },
      {
        result: check(true),
        lifecycle: {
          validateData: () =>
            Promise.reject(
              ApplicationFailure.nonRetryable('[missing-target] column "Churn": not in the header', 'InvalidDataError'),
            ),
        },
      },
    );
    assert.equal(output.decision, 'retrain-failed');
    assert.match(output.reason, /retrain churn-retrain-2026-01-02T00-00-00-000Z on 7100 rows .* failed: /);
    assert.match(output.reason, /\[missing-target\] column "Churn": not in the header/);
    assert.match(output.reason, /no cooldown starts/);
    assert.equal(output.retrain?.version, undefined);
    assert.match(output.retrain?.error ?? '', /missing-target/);
    assert.equal(output.retrainWorkflowId, 'churn-retrain-2026-01-02T00-00-00-000Z');
    assert.deepEqual(lifecycleCalls, [], 'nothing after validation ran');
    assert.deepEqual(recorded.monitorRuns[0]?.decision, 'retrain-failed');
    assert.match(recorded.monitorRuns[0]?.reason ?? '', /missing-target/);
    assert.equal(step, 'retrain-failed');
    assert.match(currentDetails, /\*\*retrain-failed\*\*.*missing-target/s);
  });

  it('reports a retrain whose version the promotion gate kept from serving as retrain-not-deployed', async () => {
    const { output } = await run(
      { modelName: 'churn' },
      {
        result: check(true),
        lifecycle: {
          trainModel: () =>
            Promise.resolve({
              trainedPath: '/t.json',
              trainedSha256: 'b'.repeat(64),
              expectedPath: '/e.json',
              expectedSha256: 'c'.repeat(64),
              baselinePath: '/b.json',
              baselineSha256: 'e'.repeat(64),
              metrics: { ...metrics, rocAuc: 0.65 },
              threshold: 0.4,
              params: {},
            }),
        },
      },
    );
    assert.equal(output.decision, 'retrain-not-deployed');
    assert.match(
      output.reason,
      /v3 registered but not deployed \(promotion gate: test ROC AUC 0\.6500 is below the minimum 0\.7\)/,
    );
    assert.equal(output.retrain?.deployed, false);
  });

  it('does not retrain with fewer new labelled records than minNewLabelled, and says so', async () => {
    const { output, recorded } = await run(
      { modelName: 'churn', minNewLabelled: 500 },
      { result: check(true), data: { liveRows: 3, knownLiveRows: 0, tooFewLabelled: true } },
    );
    assert.equal(output.decision, 'drift-too-few-labels');
    assert.match(output.reason, /not retraining: 3 new labelled live records, fewer than the minimum of 500/);
    assert.equal(output.retrainWorkflowId, undefined);
    assert.equal(output.retrain?.newLabelled, 3);
    assert.equal(recorded.prepared[0]?.minNewLabelled, 500);
    assert.ok(!recorded.calls.includes('retrainOptions'));
  });

  it('asks no minimum of new labels when the policy trains on the original data alone', async () => {
    const { output, recorded } = await run(
      { modelName: 'churn', retrainPolicy: { mode: 'original' } },
      { result: check(true), data: { liveRows: 0, knownLiveRows: 0 } },
    );
    assert.equal(recorded.prepared[0]?.minNewLabelled, 0);
    assert.equal(output.decision, 'retrained');
  });

  it('holds off during the cooldown after a recent retrain and says when it ends', async () => {
    const recent = new Date(Date.now() - 10 * 60_000).toISOString();
    const { output, recorded } = await run(
      { modelName: 'churn', cooldown: '1h' },
      { state: { lastRetrainAt: recent, lastRetrainWorkflowId: 'churn-retrain-earlier' }, result: check(true) },
    );
    assert.equal(output.decision, 'drift-cooling-down');
    assert.match(output.reason, /^12 of 19 features drifted; not retraining: /);
    assert.match(output.reason, /churn-retrain-earlier retrained 10 min ago, cooldown ends in (50|51) min/);
    assert.ok(!recorded.calls.includes('prepareRetrainData'));
  });

  it('only reports drift when retraining is turned off', async () => {
    const { output } = await run({ modelName: 'churn', retrain: false }, { result: check(true) });
    assert.equal(output.decision, 'drift-retrain-disabled');
    assert.equal(output.drifted, true);
  });

  it('tests nothing when too few predictions were logged, and when no version serves', async () => {
    const few = await run({ modelName: 'churn' }, { result: check(false, 12) });
    assert.equal(few.output.decision, 'no-data');
    const none = await run({ modelName: 'churn' }, { state: { servingVersion: null }, result: check(true) });
    assert.equal(none.output.decision, 'no-data');
    assert.deepEqual(none.recorded.calls, []);
  });

  it('fails before any work when minNewLabelled is not a whole number of 0 or more', async () => {
    const failure = await run({ modelName: 'churn', minNewLabelled: -1 }, { result: check(true) }).catch(
      (err: unknown) => err,
    );
    assert.ok(failure instanceof WorkflowFailedError);
    assert.ok(failure.cause instanceof ApplicationFailure);
    assert.equal(failure.cause.type, 'InvalidInputError');
    assert.match(failure.cause.message, /minNewLabelled must be a whole number of records, 0 or more; got -1/);
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
    const { output } = await run({ modelName: 'churn', retrain: false }, { result: late });
    assert.equal(output.decision, 'drift-retrain-disabled');
    assert.equal(output.performance?.late, 400);
    assert.deepEqual(output.performance?.labelSpan, labelSpan);
  });
});
