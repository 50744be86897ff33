import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LifecycleActivities } from '../../activities';
import { loadWorkflowBundle } from '../../workers/workflow-bundle';
import type { mlLifecycle } from '../../workflows';
import type { GateOutcome, MlLifecycleInput, MlLifecycleProgress, MlLifecycleResult } from '../../contracts';
import { type Calls, fakeLifecycleActivities as fakeActivities } from '../helpers/fake-lifecycle';
import { startTestTemporal, uniqueTaskQueue } from '../helpers/temporal';
import { waitFor } from '../helpers/wait-for';

// Workflow logic of the release step (champion gate, approval, canary/shadow) with stand-in activities;
// test/e2e/rollouts.test.ts runs the real ones.

const gateLost: GateOutcome = {
  compared: true,
  championVersion: 2,
  candidateVersion: 3,
  rows: 500,
  champion: { rocAuc: 0.84, prAuc: 0.6, f1: 0.6, accuracy: 0.8, logLoss: 0.42, brier: 0.14 },
  candidate: { rocAuc: 0.7, prAuc: 0.4, f1: 0.5, accuracy: 0.7, logLoss: 0.6, brier: 0.2 },
  passed: false,
  reason: 'champion gate: version 3 loses on the same 500 held-back rows: rocAuc 0.7000 vs 0.8400',
};

describe('mlLifecycle release: champion gate, approval, canary and shadow', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let activities: LifecycleActivities;
  const taskQueue = uniqueTaskQueue('lifecycle-release');
  // Each test swaps in its own stand-ins; the worker calls through these.
  const through = Object.fromEntries(
    Object.keys(fakeActivities([])).map((name) => [
      name,
      (input: never) => (activities[name as keyof LifecycleActivities] as (input: never) => Promise<unknown>)(input),
    ]),
  );

  before(async () => {
    env = await startTestTemporal();
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await loadWorkflowBundle(),
      activities: through,
    });
    running = worker.run();
  });
  after(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
  });

  function start(input: Partial<MlLifecycleInput>) {
    return env.client.workflow.start<typeof mlLifecycle>('mlLifecycle', {
      taskQueue,
      workflowId: uniqueTaskQueue('wf'),
      args: [{ modelName: 'churn', dataUri: '/data/x.csv', ...input }],
    });
  }

  it('keeps a version that loses to the champion registered as challenger, not deployed, and says why', async () => {
    const calls: Calls = [];
    const reasons: string[] = [];
    activities = fakeActivities(calls, {
      compareWithChampion: () => Promise.resolve(gateLost),
      rejectModel: (input) => {
        reasons.push(input.reason);
        calls.push('rejectModel');
        return Promise.resolve({ servingVersion: 2 });
      },
    });
    const result = await (await start({})).result();
    assert.equal(result.deployed, false);
    assert.match(result.reason, /champion gate: version 3 loses .*registered as challenger/);
    assert.deepEqual(result.comparison, gateLost);
    assert.equal(result.servingVersion, 2);
    assert.ok(!calls.includes('deployModel') && !calls.includes('startRollout'));
    assert.match(reasons[0] ?? '', /challenger/);
  });

  it('waits for approval, shows it in the Web UI and search attributes, then deploys when approved', async () => {
    const calls: Calls = [];
    activities = fakeActivities(calls);
    const handle = await start({ approval: { required: true, timeout: '1h' } });
    await waitFor(async () => (await handle.describe()).searchAttributes.MlStep?.[0] === 'awaiting-approval', {
      what: 'MlStep awaiting-approval',
    });
    const progress = await handle.query<MlLifecycleProgress>('progress');
    assert.equal(progress.steps.find((s) => s.step === 'approval')?.status, 'running');
    assert.ok(!calls.includes('deployModel'), 'nothing rolls out before the approval');
    const outcome = await handle.executeUpdate('approve', { args: [{ by: 'alice', reason: 'looks fine' }] });
    assert.deepEqual(outcome, { status: 'approved', by: 'alice', reason: 'looks fine' });
    const result: MlLifecycleResult = await handle.result();
    assert.equal(result.deployed, true);
    assert.deepEqual(result.approval, { status: 'approved', by: 'alice', reason: 'looks fine' });
    // A second answer is refused: the run no longer waits.
    await assert.rejects(handle.executeUpdate('reject', { args: [{}] }));
  });

  it('does not deploy a rejected version and reports who rejected it and why', async () => {
    const calls: Calls = [];
    activities = fakeActivities(calls);
    const handle = await start({ approval: { required: true } });
    await waitFor(async () => (await handle.describe()).searchAttributes.MlStep?.[0] === 'awaiting-approval', {
      what: 'MlStep awaiting-approval',
    });
    await handle.executeUpdate('reject', { args: [{ by: 'bob', reason: 'wrong data' }] });
    const result = await handle.result();
    assert.equal(result.deployed, false);
    assert.match(result.reason, /rejected by bob \(wrong data\)/);
    assert.ok(!calls.includes('deployModel'));
  });

  it('does not deploy when nobody approves before the timeout', async () => {
    const calls: Calls = [];
    activities = fakeActivities(calls);
    const result = await (await start({ approval: { required: true, timeout: 1 } })).result();
    assert.equal(result.deployed, false);
    assert.equal(result.approval?.status, 'timed-out');
    assert.match(result.reason, /nobody approved within 1/);
    assert.ok(!calls.includes('deployModel'));
  });

  it('refuses an approval for a run that does not ask for one', async () => {
    activities = fakeActivities([], {
      // Holds the run in the gate until the refusal is seen.
      compareWithChampion: () =>
        new Promise((resolve) => setTimeout(() => resolve({ compared: false, reason: 'x' }), 500)),
    });
    const handle = await start({});
    const refused = await handle.executeUpdate('approve', { args: [{}] }).then(
      () => undefined,
      (err: unknown) => err,
    );
    assert.ok(refused instanceof WorkflowUpdateFailedError);
    assert.match(refused.cause?.message ?? '', /does not ask for approval/);
    await handle.result();
  });

  it('runs a canary through start, watch and finish and reports the promotion', async () => {
    const calls: Calls = [];
    const watched: unknown[] = [];
    activities = fakeActivities(calls, {
      compareWithChampion: () => {
        calls.push('compareWithChampion');
        return Promise.resolve({ ...gateLost, passed: true, reason: 'champion gate: passes' });
      },
      startRollout: () => {
        calls.push('startRollout');
        return Promise.resolve({ started: true, rolloutId: 7, championVersion: 2, smokeRows: 100 });
      },
      watchRollout: (input) => {
        calls.push('watchRollout');
        watched.push(input);
        return fakeActivities([]).watchRollout(input);
      },
    });
    const rollout = { strategy: 'canary' as const, share: 0.25, watchSeconds: 5 };
    const result = await (await start({ rollout })).result();
    assert.deepEqual(calls.slice(-4), ['compareWithChampion', 'startRollout', 'watchRollout', 'finishRollout']);
    assert.equal(result.deployed, true);
    assert.equal(result.rollout?.outcome, 'promoted');
    assert.equal(result.servingVersion, 3);
    assert.deepEqual(watched[0], {
      modelName: 'churn',
      rolloutId: 7,
      version: 3,
      championVersion: 2,
      options: rollout,
    });
  });

  it('fails fast, before any activity, naming each wrong rollout, promotion and approval field', async () => {
    const calls: Calls = [];
    activities = fakeActivities(calls);
    const handle = await start({
      rollout: { strategy: 'blue' },
      promotion: { metric: 'brier' },
      approval: { required: true, timeout: 'soon' },
    } as unknown as Partial<MlLifecycleInput>);
    const failure = await handle.result().then(
      () => undefined,
      (err: unknown) => err,
    );
    assert.ok(failure instanceof WorkflowFailedError);
    const message = failure.cause?.message ?? '';
    assert.match(message, /rollout\.strategy must be one of "direct", "canary", "shadow"; got "blue"/);
    assert.match(message, /promotion\.metric must be one of .*; got "brier"/);
    assert.match(message, /approval\.timeout must be seconds or a number with a unit .*; got "soon"/);
    assert.deepEqual(calls, []);
  });
});
