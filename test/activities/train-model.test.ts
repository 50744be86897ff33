import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { after, describe, it } from 'node:test';
import { runTrainJobInThread } from '../../activities/train-in-thread';
import { createTrainModel } from '../../activities/train-model';
import type { TrainedModel, TrainModelInput, ValidatedData } from '../../contracts/lifecycle-activities';
import { readCsvTable } from '../../data/csv-reader';
import { sha256File } from '../../data/sha256';
import { validateTable } from '../../data/validate';
import { validatedData } from '../../activities/validated-data';
import { InvalidInputError } from '../../core/errors';
import { writeWideCsv } from '../helpers/hostile-csv';
import { TELCO_CSV, tempHome } from '../helpers/paths';

const home = tempHome('train-model');
after(() => rmSync(home, { recursive: true, force: true }));

/** What the validate step hands on for a file, with the bounds raised so any file gets through. */
async function validated(path: string): Promise<ValidatedData> {
  const { table } = await readCsvTable(path);
  const report = validateTable(table, { target: 'Churn', maxFeatures: 10_000 });
  assert.equal(report.ok, true, JSON.stringify(report.problems));
  return validatedData(report, { dataPath: path, dataSha256: await sha256File(path), profilePath: '' });
}

describe('trainModel activity', () => {
  it('trains the Telco file in a worker thread, heartbeating its progress, and writes the three files', async () => {
    const env = new MockActivityEnvironment({}, { logger: new DefaultLogger('WARN') });
    const heartbeats: unknown[] = [];
    env.on('heartbeat', (details: unknown) => heartbeats.push(details));
    const input: TrainModelInput = { modelName: 'churn', data: await validated(TELCO_CSV), seed: 42 };
    const trained: TrainedModel = await env.run(createTrainModel(home), input);
    assert.ok(trained.metrics.rocAuc > 0.83, `ROC AUC ${trained.metrics.rocAuc}`);
    for (const path of [trained.trainedPath, trained.expectedPath, trained.baselinePath])
      assert.ok(existsSync(path), path);
    assert.deepEqual(trained.warnings, []);
    assert.ok(
      heartbeats.some((beat) => /Test ROC AUC/.test((beat as { message?: string }).message ?? '')),
      JSON.stringify(heartbeats.slice(-3)),
    );
  });

  it('fails a file changed since validation with a non-retryable InvalidDataError raised in the thread', async () => {
    const data = { ...(await validated(TELCO_CSV)), dataSha256: '0'.repeat(64) };
    const env = new MockActivityEnvironment({}, { logger: new DefaultLogger('WARN') });
    await assert.rejects(env.run(createTrainModel(home), { modelName: 'churn', data, seed: 42 }), (error) => {
      assert.ok(error instanceof ApplicationFailure);
      assert.equal(error.type, 'InvalidDataError');
      assert.equal(error.nonRetryable, true);
      assert.match(error.message, /changed after validation/);
      return true;
    });
  });
});

describe('runTrainJobInThread', () => {
  it('throws the thread typed errors again as the same classes', async () => {
    const data = await validated(TELCO_CSV);
    const job = {
      modelName: 'churn',
      seed: 42,
      outDir: home,
      data: { ...data, inputs: [...data.inputs, { name: 'notAColumn', kind: 'numeric' as const }] },
    };
    await assert.rejects(runTrainJobInThread(job), (error) => {
      assert.ok(error instanceof InvalidInputError, String(error));
      assert.match(error.message, /Input column "notAColumn" is not in the table/);
      return true;
    });
  });

  it('terminates the thread on abort mid-training and settles only once the thread has exited', async () => {
    const path = join(home, 'wide.csv');
    // 2,000 features: a Newton step takes seconds and the whole search minutes.
    writeWideCsv(path, 1980, 300);
    const controller = new AbortController();
    let thread: Worker | undefined;
    const training = runTrainJobInThread(
      { modelName: 'wide', seed: 42, outDir: home, data: await validated(path) },
      {
        signal: controller.signal,
        onThread: (started) => (thread = started),
        onProgress: (message) => {
          if (message.startsWith('Split')) controller.abort(new CancelledFailure('cancelled by the test'));
        },
      },
    );
    await assert.rejects(training, (error) => error instanceof CancelledFailure);
    assert.equal(thread?.threadId, -1, 'the thread has exited');
  });
});
