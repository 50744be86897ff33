import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { mlLifecycle } from '../../workflows';
import type { MlLifecycleInput } from '../../contracts';
import { writeHighCardinalityCsv, writeTelcoWithColumns, writeWideCsv } from '../helpers/hostile-csv';
import { TELCO_CSV, tempHome } from '../helpers/paths';
import { startTestStack, type TestStack } from '../helpers/stack';
import { activityFailureOf } from '../helpers/failures';
import { waitFor } from '../helpers/wait-for';

// Issue 7: training files that froze the worker, broke the export, or deployed a leak without a word,
// each run through the real stack.

describe('hostile training files on a real Temporal dev server, worker and scoring server', () => {
  let stack: TestStack;
  const dir = tempHome('hostile-training');
  let runs = 0;

  before(async () => {
    stack = await startTestStack();
  });
  after(async () => {
    await stack?.stop();
  });

  const start = (input: Partial<MlLifecycleInput> & { dataUri: string }): Promise<WorkflowHandle<typeof mlLifecycle>> =>
    stack.env.client.workflow.start<typeof mlLifecycle>('mlLifecycle', {
      taskQueue: stack.taskQueue,
      workflowId: `hostile-${++runs}`,
      args: [{ modelName: `hostile-${runs}`, ...input }],
    });

  /** The typed failure a run ended with, and the attempt its failing activity ran in. */
  async function failureOf(handle: WorkflowHandle<typeof mlLifecycle>) {
    const { failure, problems } = await activityFailureOf(handle);
    const started = (await handle.fetchHistory()).events?.filter((e) => e.activityTaskStartedEventAttributes) ?? [];
    return { failure, problems, attempts: started.map((e) => e.activityTaskStartedEventAttributes?.attempt) };
  }

  it('fails the Telco header plus 1,980 numeric columns at validation, typed and on the first attempt', async () => {
    const path = join(dir, 'wide.csv');
    writeWideCsv(path, 1980, 300);
    const { failure, problems, attempts } = await failureOf(await start({ dataUri: path }));
    assert.equal(failure.type, 'InvalidDataError');
    assert.equal(failure.nonRetryable, true);
    assert.deepEqual(
      problems.map((p) => p.code),
      ['too-many-features'],
    );
    assert.deepEqual(attempts, [1]);
  });

  it('fails the Telco file plus a column of 7,043 distinct strings at validation, calling it an id', async () => {
    const path = join(dir, 'high-cardinality.csv');
    writeHighCardinalityCsv(path, 'note');
    const { failure, problems, attempts } = await failureOf(await start({ dataUri: path }));
    assert.equal(failure.type, 'InvalidDataError');
    assert.deepEqual(
      problems.map((p) => [p.code, p.column]),
      [['id-like-column', 'note']],
    );
    assert.match(failure.message, /looks like an id\. Pass it as idColumn or drop it/);
    assert.deepEqual(attempts, [1]);
  });

  it('keeps the worker serving other runs while a wide file trains for minutes, and cancels that training', async () => {
    const path = join(dir, 'wide-allowed.csv');
    // 500 numeric columns on 3,000 rows: a couple of minutes of Newton steps (bounds raised to let it train).
    writeWideCsv(path, 500, 3000);
    const wide = await start({ dataUri: path, maxFeatures: 1000 });
    await trainingUnderway(wide);

    const telco = await start({ dataUri: TELCO_CSV, modelName: 'telco-beside-wide' });
    const result = await telco.result();
    assert.equal(result.deployed, true, result.reason);

    const description = await wide.describe();
    assert.equal(description.status.name, 'RUNNING');
    const training = description.raw.pendingActivities?.find((a) => a.activityType?.name === 'trainModel');
    assert.equal(training?.attempt, 1, 'heartbeats never timed out');

    await wide.cancel();
    const error = await wide.result().then(
      () => assert.fail('the run should be cancelled'),
      (err: unknown) => err,
    );
    assert.ok(error instanceof WorkflowFailedError);
    assert.ok(error.cause instanceof CancelledFailure);
  });

  it('trains, exports, deploys and serves over HTTP a model with columns named constructor and toString', async () => {
    const path = join(dir, 'prototype-names.csv');
    writeTelcoWithColumns(path, [
      ['constructor', (cells) => (cells.gender === 'Male' ? 'm' : 'f')],
      ['toString', (_, row) => String(row % 5)],
    ]);
    const result = await (await start({ dataUri: path, modelName: 'prototype-names' })).result();
    assert.equal(result.deployed, true, result.reason);

    const record = { ...telcoRecord(), constructor: 'm', toString: 3 };
    const predict = (records: unknown[]) =>
      fetch(`${stack.scoringUrl}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'prototype-names', records }),
      });
    const answer = await predict([record]);
    assert.equal(answer.status, 200, await answer.clone().text());
    const body = (await answer.json()) as { predictions: { probability: number }[] };
    assert.ok((body.predictions[0]?.probability ?? NaN) >= 0);

    const { toString: _dropped, ...withoutToString } = record;
    const refused = await predict([withoutToString]);
    assert.equal(refused.status, 400);
    const problem = (await refused.json()) as { details: { field: string; message: string }[] };
    assert.deepEqual(problem.details[0], { row: 0, field: 'toString', message: 'missing column "toString"' });
  });

  it('deploys a copy of the target and duplicated rows, but says so in the result', async () => {
    const path = join(dir, 'leaky.csv');
    writeTelcoWithColumns(path, [['churned', (cells) => (cells.Churn === 'Yes' ? 'gone' : 'stays')]]);
    const [header, ...rows] = readFileSync(path, 'utf8').trim().split('\n');
    // Every row twice, under a new id: the split then puts most copies on the other side of a row.
    const copies = rows.map((row) => row.replace(/^([^,]+),/, '$1-copy,'));
    writeFileSync(path, `${[header, ...rows, ...copies].join('\n')}\n`);

    const result = await (await start({ dataUri: path, modelName: 'leaky' })).result();
    assert.equal(result.deployed, true, result.reason);
    assert.ok(result.metrics.rocAuc > 0.99);
    assert.equal(result.warnings.length, 2, result.warnings.join('\n'));
    assert.match(result.warnings[0] ?? '', /Column 'churned' alone predicts the target almost perfectly/);
    assert.match(
      result.warnings[1] ?? '',
      /^\d+ of the 2818 test rows \(\d+\.\d%\) also occur among the training rows/,
    );
  });

  /** Polls the server until the run's trainModel activity has heartbeated: its training thread is at work. */
  async function trainingUnderway(handle: WorkflowHandle<typeof mlLifecycle>): Promise<void> {
    await waitFor(
      async () => {
        const { raw, status } = await handle.describe();
        assert.equal(status.name, 'RUNNING', 'the wide run ended before its training was seen');
        const training = raw.pendingActivities?.find((a) => a.activityType?.name === 'trainModel');
        // Its first heartbeat: the thread is reading the file; the Newton steps follow for minutes.
        return Boolean(training?.heartbeatDetails?.payloads?.length);
      },
      { timeoutMs: 120_000, intervalMs: 200, what: 'the first heartbeat of trainModel' },
    );
  }
});

/** A Telco row as a client sends it (the first data row of the file). */
function telcoRecord(): Record<string, string | number> {
  const [header, first] = readFileSync(TELCO_CSV, 'utf8').split(/\r?\n/);
  const names = (header ?? '').split(',');
  const values = (first ?? '').split(',');
  const numeric = new Set(['SeniorCitizen', 'tenure', 'MonthlyCharges', 'TotalCharges']);
  return Object.fromEntries(
    names.map((name, i) => [name, numeric.has(name) ? Number(values[i]) : (values[i] ?? '')] as const),
  );
}
