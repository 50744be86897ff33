import { ActivityFailure, ApplicationFailure, RetryState } from '@temporalio/common';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RetrainData } from '../../contracts/monitor-activities';
import { createPrepareRetrainData } from '../../activities/prepare-retrain-data';
import { readCsvTable } from '../../data/csv-reader';
import { generateTelcoCsv } from '../../data/sample-generator';
import type { mlLifecycle, scheduledRetrain } from '../../workflows';
import type { MlLifecycleInput } from '../../contracts';
import { TELCO_CSV, tempHome } from '../helpers/paths';
import { startTestStack, type TestStack } from '../helpers/stack';
import { uniqueTaskQueue } from '../helpers/temporal';

// Data files named by whoever starts a workflow, on the real stack: a worker whose only data root is
// one folder must refuse everything else on the first attempt, typed, and never copy a file's
// contents into Temporal history.

const canary = `canary-${randomUUID()}`;
const adminToken = `token-${randomUUID()}`;

describe('data files a workflow names', () => {
  let stack: TestStack;
  const dataDir = tempHome('hostile-data');
  const telcoSample = join(dataDir, 'telco-sample.csv');

  before(async () => {
    // In the worker's environment, so /proc/self/environ would show them if it were ever read.
    process.env.MLCYCLE_HOSTILE_CANARY = canary;
    process.env.MLCYCLE_ADMIN_TOKEN = adminToken;
    writeFileSync(telcoSample, generateTelcoCsv({ rows: 1_000, seed: 11 }));
    symlinkSync('/etc/passwd', join(dataDir, 'passwd-link.csv'));
    mkdirSync(join(dataDir, 'folder.csv'));
    execFileSync('mkfifo', [join(dataDir, 'pipe.csv')]);
    const environ = Object.entries(process.env).map(([key, value]) => `${key}=${value ?? ''}`);
    writeFileSync(join(dataDir, 'environ-copy.csv'), `${environ.join('\0')}\0`);
    writeFileSync(
      join(dataDir, 'passwd-copy.csv'),
      readFileSync('/etc/passwd', 'utf8') + `${canary}:x:0:0::/:/bin/sh\n`,
    );
    stack = await startTestStack({ dataRoots: [dataDir] });
  });
  after(async () => {
    delete process.env.MLCYCLE_HOSTILE_CANARY;
    delete process.env.MLCYCLE_ADMIN_TOKEN;
    await stack?.stop();
  });

  const startLifecycle = (input: Partial<MlLifecycleInput>, workflowId = uniqueTaskQueue('hostile')) =>
    stack.env.client.workflow.start<typeof mlLifecycle>('mlLifecycle', {
      taskQueue: stack.taskQueue,
      workflowId,
      args: [{ modelName: 'hostile', deploy: false, ...input } as MlLifecycleInput],
    });

  /** The run's failure, after checking it failed in its first activity on the first attempt. */
  async function firstAttemptFailure(handle: WorkflowHandle, activity: string): Promise<ApplicationFailure> {
    const error = await handle.result().then(
      () => assert.fail('the run succeeded'),
      (err: unknown) => err,
    );
    assert.ok(error instanceof WorkflowFailedError, String(error));
    assert.ok(error.cause instanceof ActivityFailure, String(error.cause));
    assert.equal(error.cause.activityType, activity);
    assert.equal(error.cause.retryState, RetryState.NON_RETRYABLE_FAILURE);
    const cause = error.cause.cause;
    assert.ok(cause instanceof ApplicationFailure, String(cause));
    const history = await handle.fetchHistory();
    const attempts = (history.events ?? []).flatMap((event) =>
      event.activityTaskStartedEventAttributes ? [event.activityTaskStartedEventAttributes.attempt] : [],
    );
    assert.deepEqual(attempts, [1], 'one activity, on its first attempt');
    const json = JSON.stringify(history);
    for (const secret of [canary, adminToken]) assert.ok(!json.includes(secret), 'history holds the environment');
    assert.doesNotMatch(json, /\bPATH=|root:x:0:0/);
    return cause;
  }

  const refusals: [string, () => string, string, RegExp][] = [
    ['/proc/self/environ', () => '/proc/self/environ', 'DataAccessError', /outside the folders .* MLCYCLE_DATA_ROOTS/],
    ['/etc/shadow', () => '/etc/shadow', 'DataAccessError', /outside the folders/],
    ['/etc/passwd reached through ..', () => `${dataDir}/../../../etc/passwd`, 'DataAccessError', /outside/],
    [
      'a symbolic link inside the root that points out of it',
      () => `file://${dataDir}/passwd-link.csv`,
      'DataAccessError',
      /leads through a symbolic link outside/,
    ],
    ['/dev/null', () => '/dev/null', 'DataAccessError', /outside/],
    ['a file:// URI with a host', () => 'file://fileserver/data/churn.csv', 'InvalidInputError', /names the host/],
    ['an http URI', () => 'http://example.com/churn.csv', 'InvalidInputError', /only local paths/],
    ['a relative path', () => 'telco-sample.csv', 'InvalidInputError', /relative path/],
    ['a directory', () => join(dataDir, 'folder.csv'), 'DataAccessError', /is a directory/],
    ['a named pipe', () => join(dataDir, 'pipe.csv'), 'DataAccessError', /is a named pipe/],
    ['a missing file', () => join(dataDir, 'missing.csv'), 'DataAccessError', /no such file/],
  ];
  for (const [what, uri, type, message] of refusals) {
    it(`refuses ${what} on the first attempt with ${type}, quoting nothing of any file`, async () => {
      const failure = await firstAttemptFailure(await startLifecycle({ dataUri: uri() }), 'validateData');
      assert.equal(failure.type, type);
      assert.match(failure.message, message);
    });
  }

  it(
    'refuses a file the worker may not read on the first attempt with DataAccessError',
    { skip: process.getuid?.() === 0 ? 'root reads any file whatever its permissions' : false },
    async () => {
      const locked = join(dataDir, 'locked.csv');
      writeFileSync(locked, 'a,b\n1,2\n', { mode: 0o000 });
      const failure = await firstAttemptFailure(await startLifecycle({ dataUri: locked }), 'validateData');
      assert.equal(failure.type, 'DataAccessError');
      assert.match(failure.message, /may not read/);
    },
  );

  it('refuses a copy of the environment inside the root as not CSV, without quoting it', async () => {
    for (const file of ['environ-copy.csv', 'passwd-copy.csv']) {
      const handle = await startLifecycle({ dataUri: join(dataDir, file) });
      const failure = await firstAttemptFailure(handle, 'validateData');
      assert.equal(failure.type, 'InvalidDataError');
      assert.match(failure.message, /\[not-csv\]/);
    }
  });

  it('bounds what a failure quotes of a hostile header: huge names, bidi controls, thousands of problems', async () => {
    const huge = `\u202e${'y'.repeat(20_000)}`;
    const header = [huge, ...Array.from({ length: 3_000 }, (_, i) => `c${i}`)];
    const file = join(dataDir, 'wide.csv');
    writeFileSync(
      file,
      `${header.join(',')}\n${header.map(() => '1').join(',')}\n${header.map(() => '1').join(',')}\n`,
    );
    const handle = await startLifecycle({ dataUri: file });
    const failure = await firstAttemptFailure(handle, 'validateData');
    assert.equal(failure.type, 'InvalidDataError');
    const details = failure.details?.[0] as { problems: unknown[]; total: number };
    assert.equal(details.problems.length, 200);
    assert.ok(details.total > 3_000, String(details.total));
    const json = JSON.stringify(await handle.fetchHistory());
    assert.ok(json.length < 200_000, `history is ${json.length} characters`);
    assert.ok(!json.includes('y'.repeat(1_000)), 'a 20,000-character name was copied');
    assert.ok(!json.includes('\u202e'), 'a raw bidi override was copied');
  });

  it('refuses /proc/self/environ as the data of a scheduled retrain before hashing it', async () => {
    const handle = await stack.env.client.workflow.start<typeof scheduledRetrain>('scheduledRetrain', {
      taskQueue: stack.taskQueue,
      workflowId: uniqueTaskQueue('hostile-retrain'),
      args: [{ modelName: 'hostile', dataUri: '/proc/self/environ' }],
    });
    const failure = await firstAttemptFailure(handle, 'checkDataChanged');
    assert.equal(failure.type, 'DataAccessError');
  });

  it("refuses a drift-triggered retrain's data URI outside the roots before a retrain starts", async () => {
    const prepare = createPrepareRetrainData({
      ...stack,
      predictionLog: stack.predictionLogReader,
      dataRoots: [stack.home, dataDir],
    });
    const env = new MockActivityEnvironment({}, { logger: new DefaultLogger('WARN') });
    for (const dataUri of ['/proc/self/environ', `${dataDir}/../../etc/passwd`, `${dataDir}/passwd-link.csv`]) {
      await assert.rejects(
        env.run(prepare, {
          modelName: 'hostile',
          version: 1,
          policy: { mode: 'dataUri' as const, dataUri },
          windowTo: 'x',
        }),
        { name: 'DataAccessError' },
        dataUri,
      );
    }
  });

  it('keeps the run files of a workflow with the id ".." inside the runs folder', async () => {
    const handle = await startLifecycle({ dataUri: telcoSample }, '..');
    const result = await handle.result();
    assert.equal(result.deployed, false);
    const runId = handle.firstExecutionRunId;
    assert.ok(!existsSync(join(stack.home, runId)), 'run files escaped the runs folder');
    assert.deepEqual(readdirSync(join(stack.home, 'runs', '%2E.')), [runId]);
  });

  it('trains on a semicolon-separated copy of the Telco data exactly as on the comma-separated one', async () => {
    const semicolon = join(dataDir, 'telco-semicolon.csv');
    // Windows line ends and a byte order mark, as spreadsheets write them.
    writeFileSync(semicolon, `\ufeff${readFileSync(TELCO_CSV, 'utf8').replace(/,/g, ';').replace(/\n/g, '\r\n')}`);
    const comma = join(dataDir, 'telco-comma.csv');
    writeFileSync(comma, readFileSync(TELCO_CSV));
    const [fromSemicolon, fromComma] = await Promise.all(
      [semicolon, comma].map(async (dataUri) => (await startLifecycle({ dataUri, modelName: 'semicolon' })).result()),
    );
    assert.ok(fromSemicolon && fromComma);
    assert.deepEqual(fromSemicolon.metrics, fromComma.metrics);
    assert.ok(fromSemicolon.metrics.rocAuc > 0.8);

    // The retrain data of a drift-triggered retrain keeps the semicolons.
    const version = fromSemicolon.version;
    stack.predictionLog.append([
      {
        id: 'live-1',
        modelName: 'semicolon',
        version,
        time: Date.now() - 60_000,
        probability: 0.4,
        features: { gender: 'Female', tenure: 3, MonthlyCharges: 70.5, TotalCharges: 211.5 },
        positiveLabel: 'Yes',
      },
    ]);
    stack.predictionLog.flush();
    assert.equal(stack.predictionLog.recordFeedback([{ id: 'live-1', label: 'Yes' }]).accepted, 1);
    const prepare = createPrepareRetrainData({
      ...stack,
      predictionLog: stack.predictionLogReader,
      dataRoots: [stack.home, dataDir],
    });
    const env = new MockActivityEnvironment({}, { logger: new DefaultLogger('WARN') });
    const data: RetrainData = await env.run(prepare, {
      modelName: 'semicolon',
      version,
      policy: { mode: 'original+labelled' as const },
      windowTo: new Date().toISOString(),
    });
    assert.equal(data.liveRows, 1);
    const { table, problems, delimiter } = await readCsvTable(data.dataUri);
    assert.deepEqual(problems, []);
    assert.equal(delimiter, ';');
    assert.equal(table.rowCount, 7_044);
    assert.equal(table.columns.tenure?.[7_043], '3');
  });
});
