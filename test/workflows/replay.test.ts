import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadWorkflowBundle, writeWorkflowBundle } from '../../workers/workflow-bundle';
import { tempHome } from '../helpers/paths';

// Histories recorded from real runs (the end-to-end tests write fresh ones to test-output/). If one
// fails to replay, the workflow code changed in a way that breaks runs in flight: guard the change
// with patched() instead of refreshing the fixture.
const replay = async (file: string, workflowId: string, env: NodeJS.ProcessEnv = {}): Promise<void> => {
  const history = historyFromJSON(JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', file), 'utf8')));
  await Worker.runReplayHistory({ workflowBundle: await loadWorkflowBundle(env) }, history, workflowId);
};

describe('workflow replay', () => {
  it('replays a recorded mlLifecycle history without nondeterminism', async () => {
    await replay('ml-lifecycle-history.json', 'telco-e2e-1');
  });

  it('replays a recorded mlLifecycle canary (champion gate, canary watched, promoted) without nondeterminism', async () => {
    await replay('ml-lifecycle-canary-history.json', 'telco-canary-e2e');
  });

  it('replays it with the prebuilt bundle that production workers load from MLCYCLE_WORKFLOW_BUNDLE', async () => {
    const path = join(tempHome('bundle'), 'workflow-bundle.js');
    assert.ok((await writeWorkflowBundle(path)) > 100_000);
    await replay('ml-lifecycle-history.json', 'telco-e2e-1', { MLCYCLE_WORKFLOW_BUNDLE: path });
  });

  it('replays a recorded driftMonitor history that started a retrain, without nondeterminism', async () => {
    await replay('drift-monitor-history.json', 'drift-monitor-telco-churn');
  });

  it('replays a recorded driftMonitor history that waited for its retrain to serve, without nondeterminism', async () => {
    await replay('drift-monitor-retrained-history.json', 'drift-monitor-telco-churn');
  });

  it('replays a recorded batchScore history whose first worker stopped mid-batch, without nondeterminism', async () => {
    await replay('batch-score-resumed-history.json', 'batch-e2e-resume');
  });

  it('replays a recorded batchScore history that failed on its error rate, without nondeterminism', async () => {
    await replay('batch-score-rejected-history.json', 'batch-e2e-7');
  });

  it('replays a recorded onlineTraining history that published and deployed through onlinePublish, without nondeterminism', async () => {
    await replay('online-training-history.json', 'online-online-concept');
  });

  it('replays the onlinePublish child of that run, without nondeterminism', async () => {
    await replay('online-publish-history.json', 'online-publish');
  });

  it('replays a recorded onlineTraining history whose worker was killed, paused and resumed by hand, without nondeterminism', async () => {
    await replay('online-training-resumed-history.json', 'online-training-online-recovery');
  });
});
