import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { ExpectedOutputsFile } from '../../activities/model-files';
import type { MlLifecycleInput, MlLifecycleResult } from '../../contracts';
import type { mlLifecycle } from '../../workflows';
import { TELCO_CSV } from '../helpers/paths';
import { startTestStack, type TestStack } from '../helpers/stack';

describe('mlLifecycle with gradient-boosted trees and auto, end to end on a real stack', () => {
  let stack: TestStack;
  const start = (workflowId: string, input: Omit<MlLifecycleInput, 'dataUri'>) =>
    stack.env.client.workflow.execute<typeof mlLifecycle>('mlLifecycle', {
      taskQueue: stack.taskQueue,
      workflowId,
      args: [{ dataUri: TELCO_CSV, ...input }],
    });

  before(async () => {
    stack = await startTestStack();
  });
  after(async () => {
    await stack?.stop();
  });

  it('trains, exports, checks and deploys a gbdt model with test ROC AUC of at least 0.84 that /predict serves', async () => {
    const result: MlLifecycleResult = await start('gbdt-e2e-1', { modelName: 'telco-gbdt', algorithm: 'gbdt' });
    assert.equal(result.deployed, true, result.reason);
    assert.ok(result.metrics.rocAuc >= 0.84, `ROC AUC ${result.metrics.rocAuc}`);
    const serving = stack.registry.getServing('telco-gbdt');
    assert.ok(serving);
    assert.equal(serving.params.algorithm, 'gbdt');
    assert.equal(serving.params.requestedAlgorithm, 'gbdt');
    assert.ok((serving.params.trees as number) > 0);

    const expected = JSON.parse(readFileSync(serving.expectedPath, 'utf8')) as ExpectedOutputsFile;
    const response = await fetch(`${stack.scoringUrl}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ records: expected.records }),
    });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { predictions: { probability: number }[] };
    body.predictions.forEach((p, i) =>
      assert.ok(Math.abs(p.probability - (expected.probabilities[i] ?? NaN)) <= 1e-5, `row ${i}`),
    );
  });

  it('with auto, keeps the algorithm with the better validation ROC AUC and records both scores', async () => {
    const result = await start('gbdt-e2e-auto', { modelName: 'telco-auto', algorithm: 'auto', deploy: false });
    const version = stack.registry.getVersion('telco-auto', result.version);
    assert.ok(version);
    const auto = version.params.autoChoice as {
      by: string;
      candidates: Record<'logistic' | 'gbdt', { rocAuc: number; logLoss: number }>;
    };
    assert.equal(auto.by, 'validation ROC AUC');
    const { logistic, gbdt } = auto.candidates;
    assert.ok(logistic.rocAuc > 0.8 && gbdt.rocAuc > 0.8, JSON.stringify(auto.candidates));
    assert.equal(version.params.algorithm, gbdt.rocAuc > logistic.rocAuc ? 'gbdt' : 'logistic');
    assert.equal(version.params.requestedAlgorithm, 'auto');
  });

  it('refuses gbdt settings out of range before any activity runs, naming the field', async () => {
    await assert.rejects(
      start('gbdt-e2e-bad', {
        modelName: 'telco-gbdt-bad',
        algorithm: 'gbdt',
        gbdt: { learningRate: 0, maxLeaves: 1 },
      }),
      (error: unknown) => {
        assert.ok(error instanceof WorkflowFailedError);
        assert.ok(error.cause instanceof ApplicationFailure);
        assert.equal(error.cause.type, 'InvalidInputError');
        assert.match(error.cause.message, /gbdt/);
        return true;
      },
    );
    assert.equal(stack.registry.listVersions('telco-gbdt-bad').length, 0);
  });
});
