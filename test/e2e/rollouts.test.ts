import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { WorkflowHandle } from '@temporalio/client';
import type { ExpectedOutputsFile } from '../../activities/model-files';
import type { MlLifecycleInput, MlLifecycleResult } from '../../contracts';
import { readShadowLog } from '../../serving/shadow-log';
import type { mlLifecycle } from '../../workflows';
import { runCli } from '../helpers/cli-process';
import { generateTelcoCsv } from '../../data/sample-generator';
import { TELCO_CSV, TEST_OUTPUT, tempHome } from '../helpers/paths';
import { startTestStack, type TestStack } from '../helpers/stack';
import { waitFor } from '../helpers/wait-for';

// Canary, shadow, the version pin, the champion gate and approval on the real stack: Temporal dev
// server, worker, scoring server over HTTP, real ONNX sessions and the registry on disk.

const MODEL = 'telco-rollouts';

interface PredictAnswer {
  model: { name: string; version: number };
  predictions: { id: string; probability: number; label: number }[];
}

describe('safe rollouts, the champion gate and approval on a real stack', () => {
  let stack: TestStack;
  let records: Record<string, unknown>[];

  before(async () => {
    stack = await startTestStack();
    const first = await lifecycle({}).then((handle) => handle.result());
    assert.equal(first.deployed, true, first.reason);
    const expected = JSON.parse(
      readFileSync(stack.registry.getVersion(MODEL, first.version)?.expectedPath ?? '', 'utf8'),
    ) as ExpectedOutputsFile;
    records = expected.records.slice(0, 5);
  });
  after(async () => {
    await stack?.stop();
  });

  function lifecycle(
    input: Partial<MlLifecycleInput>,
    workflowId?: string,
  ): Promise<WorkflowHandle<typeof mlLifecycle>> {
    return stack.env.client.workflow.start<typeof mlLifecycle>('mlLifecycle', {
      taskQueue: stack.taskQueue,
      workflowId: workflowId ?? `${MODEL}-${randomUUID()}`,
      args: [{ modelName: MODEL, dataUri: TELCO_CSV, ...input }],
    });
  }

  async function predict(headers: Record<string, string> = {}): Promise<{ status: number; body: PredictAnswer }> {
    const response = await fetch(`${stack.scoringUrl}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ model: MODEL, records }),
    });
    return { status: response.status, body: (await response.json()) as PredictAnswer };
  }

  /** Sends requests (as many callers) until the run ends: the traffic a canary or shadow watches. */
  async function driveUntilDone(handle: WorkflowHandle<typeof mlLifecycle>) {
    let done = false;
    const result = handle.result().finally(() => (done = true));
    const answers: PredictAnswer[] = [];
    while (!done) {
      const { status, body } = await predict({ 'x-mlcycle-caller': randomUUID() });
      assert.equal(status, 200);
      answers.push(body);
    }
    return { result: await result, answers };
  }

  it('promotes a canary that answered its share of the traffic without errors', async () => {
    const before = stack.registry.getServing(MODEL)?.version;
    const canary = { strategy: 'canary', share: 0.5, watchSeconds: 3, minRequests: 10 } as const;
    const handle = await lifecycle({ rollout: canary }, 'telco-canary-e2e');
    const { result, answers } = await driveUntilDone(handle);
    assert.equal(result.deployed, true, result.reason);
    assert.equal(result.rollout?.outcome, 'promoted');
    assert.match(result.reason, /canary promoted/);
    assert.ok((result.rollout?.candidate.requests ?? 0) >= 10);
    assert.equal(result.rollout?.candidate.errors, 0);
    assert.equal(stack.registry.getServing(MODEL)?.version, result.version);
    const versions = new Set(answers.map((a) => a.model.version));
    assert.ok(versions.has(result.version) && versions.has(before ?? -1), `answered by ${[...versions].join(', ')}`);
    const rollout = stack.registry.rollouts.list(MODEL).at(-1);
    assert.equal(rollout?.outcome, 'promoted');
    assert.equal(rollout?.candidateVersion, result.version);
    assert.ok(rollout?.endedAt);
    // Kept for the replay test: copy it to test/fixtures/ when the workflow changes on purpose.
    mkdirSync(TEST_OUTPUT, { recursive: true });
    writeFileSync(join(TEST_OUTPUT, 'ml-lifecycle-canary-history.json'), historyToJSON(await handle.fetchHistory()));
  });

  it('rolls a canary back when it breaks its latency guard, and the champion keeps serving', async () => {
    const champion = stack.registry.getServing(MODEL)?.version;
    const handle = await lifecycle({
      // No scoring answers in a microsecond: the guard cannot hold.
      rollout: { strategy: 'canary', share: 0.5, watchSeconds: 2, minRequests: 5, maxP99Ms: 0.001 },
    });
    const { result, answers } = await driveUntilDone(handle);
    assert.equal(result.deployed, false);
    assert.equal(result.rollout?.outcome, 'rolled-back');
    assert.match(result.reason, /canary rolled back: version \d+'s p99 latency .* above the limit 0\.00 ms/);
    assert.equal(result.servingVersion, champion);
    assert.equal(stack.registry.getServing(MODEL)?.version, champion);
    assert.ok(
      answers.some((a) => a.model.version === result.version),
      'the canary answered while watched',
    );
    assert.equal(stack.registry.rollouts.list(MODEL).at(-1)?.outcome, 'rolled-back');
    // Once ended, the rolled-back version answers no unpinned request.
    const after = await Promise.all(Array.from({ length: 20 }, () => predict({ 'x-mlcycle-caller': randomUUID() })));
    assert.ok(after.every((a) => a.body.model.version === champion));
  });

  it('has a shadow score a copy of the traffic, logged beside the answers, never returned', async () => {
    const champion = stack.registry.getServing(MODEL)?.version;
    const handle = await lifecycle({ rollout: { strategy: 'shadow', watchSeconds: 2, minRequests: 5 } });
    const { result, answers } = await driveUntilDone(handle);
    assert.equal(result.deployed, false);
    assert.equal(result.rollout?.outcome, 'observed');
    assert.match(result.reason, /shadow observed: version \d+ scored \d+ records beside the champion/);
    assert.equal(stack.registry.getServing(MODEL)?.version, champion, 'a shadow never promotes');
    assert.ok(
      answers.every((a) => a.model.version === champion),
      'no answer came from the shadow',
    );
    // Same data and seed: the shadow agrees with the champion on every record.
    assert.ok((result.rollout?.shadow?.records ?? 0) >= 5);
    assert.equal(result.rollout?.shadow?.agreement, 1);
    const logged = await readShadowLog(join(stack.home, 'shadow-log'), MODEL);
    const answered = new Map(answers.flatMap((a) => a.predictions.map((p) => [p.id, p.probability] as const)));
    const shadowed = logged.filter((entry) => entry.version === result.version);
    assert.ok(shadowed.length > 0);
    for (const entry of shadowed) {
      assert.equal(entry.servedVersion, champion);
      assert.equal(entry.servedProbability, answered.get(entry.id), `entry ${entry.id} is under the id a caller got`);
    }
  });

  it('pins a caller to a version with the x-mlcycle-version header and refuses a malformed one', async () => {
    const serving = stack.registry.getServing(MODEL)?.version;
    const pinned = await predict({ 'x-mlcycle-version': '1' });
    assert.equal(pinned.status, 200);
    assert.equal(pinned.body.model.version, 1);
    assert.notEqual(serving, 1);
    const unpinned = await predict();
    assert.equal(unpinned.body.model.version, serving);
    const bad = await fetch(`${stack.scoringUrl}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-mlcycle-version': 'latest' },
      body: JSON.stringify({ model: MODEL, records }),
    });
    assert.equal(bad.status, 400);
    const problem = (await bad.json()) as { details: { field: string }[] };
    assert.equal(problem.details[0]?.field, 'x-mlcycle-version');
  });

  it('keeps a worse challenger out of serving and says why, with both versions scored on the same rows', async () => {
    const champion = stack.registry.getServing(MODEL)?.version;
    // Customers the champion never saw (generated, Telco-shaped), fitted by a one-split tree: a far weaker
    // model, compared with the champion on its own held-back rows, none of which the champion trained on.
    const fresh = join(tempHome('fresh-telco'), 'fresh.csv');
    writeFileSync(fresh, generateTelcoCsv({ rows: 2000, seed: 11 }));
    const stump = { algorithm: 'gbdt' as const, gbdt: { maxIterations: 1, maxLeaves: 2 } };
    const result: MlLifecycleResult = await (await lifecycle({ dataUri: fresh, ...stump })).result();
    assert.equal(result.deployed, false);
    assert.match(
      result.reason,
      /champion gate: version \d+ loses on the same \d+ held-back rows the champion never trained on: .*registered as challenger/,
    );
    assert.ok(result.comparison?.compared);
    assert.equal(result.comparison.championVersion, champion);
    assert.ok(result.comparison.candidate.rocAuc < result.comparison.champion.rocAuc);
    assert.equal(stack.registry.getServing(MODEL)?.version, champion);
    const recorded = stack.registry.listDeployments(MODEL).filter((d) => d.version === result.version);
    assert.match(recorded.at(-1)?.reason ?? '', /challenger/);
  });

  it('pins /invocations to a version by the same header, so every protocol follows one rule', async () => {
    const challenger = stack.registry.aliases.get(MODEL, 'challenger')?.version;
    assert.ok(challenger !== undefined, 'the worse challenger of the test before');
    const direct = await fetch(`${stack.scoringUrl}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, version: challenger, records }),
    });
    const want = ((await direct.json()) as PredictAnswer).predictions.map((p) => p.probability);
    const invocations = async (headers: Record<string, string>) => {
      const response = await fetch(`${stack.scoringUrl}/invocations?model=${MODEL}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ dataframe_records: records }),
      });
      assert.equal(response.status, 200);
      return ((await response.json()) as { predictions: number[] }).predictions;
    };
    assert.deepEqual(await invocations({ 'x-mlcycle-version': String(challenger) }), want);
    assert.notDeepEqual(await invocations({}), want, 'unpinned, the champion answers');
  });

  it('waits for approval and rolls out once `mlcycle approve` approves', async () => {
    const handle = await lifecycle({ approval: { required: true, timeout: '10m' } });
    await waitFor(async () => (await handle.describe()).searchAttributes.MlStep?.[0] === 'awaiting-approval', {
      timeoutMs: 120_000,
      intervalMs: 200,
      what: 'the run to wait for approval',
    });
    const approved = await runCli(['approve', '--workflow', handle.workflowId, '--by', 'carol'], cliEnv());
    assert.equal(approved.code, 0, approved.output);
    assert.match(approved.output, /approved by carol/);
    const result = await handle.result();
    assert.equal(result.deployed, true, result.reason);
    assert.deepEqual(result.approval, { status: 'approved', by: 'carol', reason: null });
    assert.equal(stack.registry.getServing(MODEL)?.version, result.version);
  });

  it('does not roll out when `mlcycle approve --reject` refuses, nor when approval times out', async () => {
    const champion = stack.registry.getServing(MODEL)?.version;
    const handle = await lifecycle({ approval: { required: true } });
    await waitFor(async () => (await handle.describe()).searchAttributes.MlStep?.[0] === 'awaiting-approval', {
      timeoutMs: 120_000,
      intervalMs: 200,
      what: 'the run to wait for approval',
    });
    const cli = ['approve', '--workflow', handle.workflowId, '--reject', '--reason', 'holiday freeze', '--by', 'dan'];
    const rejected = await runCli(cli, cliEnv());
    assert.equal(rejected.code, 0, rejected.output);
    const result = await handle.result();
    assert.equal(result.deployed, false);
    assert.match(result.reason, /rejected by dan \(holiday freeze\)/);
    // The run no longer waits: a late answer is refused with the reason.
    const late = await runCli(['approve', '--workflow', handle.workflowId], cliEnv());
    assert.notEqual(late.code, 0);

    const timedOut = await (await lifecycle({ approval: { required: true, timeout: '1s' } })).result();
    assert.equal(timedOut.deployed, false);
    assert.equal(timedOut.approval?.status, 'timed-out');
    assert.match(timedOut.reason, /nobody approved within 1s/);
    assert.equal(stack.registry.getServing(MODEL)?.version, champion);
  });

  function cliEnv(): NodeJS.ProcessEnv {
    return { TEMPORAL_ADDRESS: stack.env.address, MLCYCLE_HOME: stack.home, MLCYCLE_FROM_SOURCE: '1' };
  }
});
