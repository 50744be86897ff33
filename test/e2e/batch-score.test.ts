import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import Papa from 'papaparse';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { MockActivityEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { parquetReadObjects } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { createActivities, type ActivityDeps } from '../../activities';
import { loadWorkflowBundle } from '../../workers/workflow-bundle';
import { NO_LOG_HEADER } from '../../contracts/http';
import type { BatchScoreInput } from '../../contracts/batch';
import type { BatchChunk, BatchPlan, ChunkResult } from '../../contracts/batch-activities';
import type { batchScore, mlLifecycle } from '../../workflows';
import { batchScoreProgressQuery } from '../../workflows/batch-score';
import { activityFailureOf } from '../helpers/failures';
import { TELCO_CSV, TEST_OUTPUT, tempHome } from '../helpers/paths';
import { startTestStack, type TestStack } from '../helpers/stack';
import { waitFor } from '../helpers/wait-for';

type Row = Record<string, string>;
const NUMERIC = new Set(['SeniorCitizen', 'tenure', 'MonthlyCharges', 'TotalCharges']);
const ADDED = ['prediction_probability', 'prediction_label', 'model_version'];

const readCsv = (path: string): Papa.ParseResult<Row> =>
  Papa.parse<Row>(readFileSync(path, 'utf8'), { header: true, skipEmptyLines: true });

/** A Telco row as a /predict client sends it: numbers for numeric columns, strings for the rest. */
function asRecord(row: Row): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row)
      .filter(([column]) => column !== 'customerID' && column !== 'Churn')
      .map(([column, value]) => [column, NUMERIC.has(column) ? (value.trim() === '' ? null : Number(value)) : value]),
  );
}

async function predict(url: string, rows: Row[]): Promise<{ probability: number; label: number }[]> {
  const response = await fetch(`${url}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [NO_LOG_HEADER]: '1' },
    body: JSON.stringify({ records: rows.map(asRecord) }),
  });
  const text = await response.text();
  assert.equal(response.status, 200, text);
  return (JSON.parse(text) as { predictions: { probability: number; label: number }[] }).predictions;
}

describe('batchScore on the real stack', () => {
  let stack: TestStack;
  let version: number;
  let runs = 0;
  const dir = tempHome('batch-data');
  const telco = readCsv(TELCO_CSV);
  const telcoText = readFileSync(TELCO_CSV, 'utf8');

  before(async () => {
    stack = await startTestStack();
    const trained = await stack.env.client.workflow.execute<typeof mlLifecycle>('mlLifecycle', {
      taskQueue: stack.taskQueue,
      workflowId: 'batch-e2e-train',
      args: [{ modelName: 'telco-churn', dataUri: TELCO_CSV }],
    });
    assert.equal(trained.deployed, true, trained.reason);
    version = trained.version;
  });
  after(async () => {
    await stack?.stop();
  });

  const loggedRows = () => stack.predictionLogReader.readWindow('telco-churn', { to: Date.now() }).rows;

  const start = (input: Partial<BatchScoreInput>): Promise<WorkflowHandle<typeof batchScore>> =>
    stack.env.client.workflow.start<typeof batchScore>('batchScore', {
      taskQueue: stack.taskQueue,
      workflowId: `batch-e2e-${++runs}`,
      args: [{ modelName: 'telco-churn', inputUri: TELCO_CSV, outputUri: join(dir, `out-${runs}.csv`), ...input }],
    });

  it('scores every Telco row as /predict does, to 1e-6, keeping every input column and naming the version in every row', async () => {
    const outputUri = join(dir, 'telco-scored.csv');
    const loggedBefore = loggedRows();
    const handle = await start({ inputUri: pathToFileURL(TELCO_CSV).href, outputUri, chunkRows: 1000 });
    const result = await handle.result();
    assert.equal(loggedRows() - loggedBefore, telco.data.length);
    assert.equal(result.version, version);
    assert.equal(result.rows, telco.data.length);
    assert.equal(result.scoredRows, telco.data.length);
    assert.equal(result.rejectedRows, 0);
    assert.equal(result.rejectsUri, undefined);
    assert.equal(result.outputUri, outputUri);
    assert.deepEqual(filesUnder(join(stack.home, 'batch')), [], 'no part left behind');
    assert.equal(result.loggedRows, telco.data.length);
    assert.equal(result.logSampled, false);

    const output = readCsv(outputUri);
    assert.deepEqual(output.meta.fields, [...(telco.meta.fields ?? []), ...ADDED]);
    assert.equal(output.data.length, telco.data.length);
    const expected = await predict(stack.scoringUrl, telco.data);
    output.data.forEach((row, i) => {
      const input = telco.data[i] as Row;
      for (const column of telco.meta.fields ?? []) assert.equal(row[column], input[column], `row ${i + 1} ${column}`);
      const want = expected[i] as { probability: number; label: number };
      assert.ok(Math.abs(Number(row.prediction_probability) - want.probability) <= 1e-6, `row ${i + 1}`);
      assert.equal(Number(row.prediction_label), want.label, `row ${i + 1}`);
      assert.equal(Number(row.model_version), version);
    });
    const progress = await handle.query(batchScoreProgressQuery);
    assert.equal(progress.phase, 'done');
    assert.equal(progress.rowsDone, telco.data.length);
    assert.equal(progress.chunksDone, 8);
    assert.equal(progress.chunksTotal, 8);
  });

  it('fails a missing input at once, typed and on the first attempt, before scoring anything', async () => {
    const handle = await start({ inputUri: join(dir, 'no-such-file.csv') });
    const { failure } = await activityFailureOf(handle);
    assert.equal(failure.type, 'DataAccessError');
    assert.match(failure.message, /no such file/);
    const events = (await handle.fetchHistory()).events ?? [];
    const started = events.filter((e) => e.activityTaskStartedEventAttributes);
    assert.deepEqual(
      started.map((e) => e.activityTaskStartedEventAttributes?.attempt),
      [1],
    );
    assert.equal(events.filter((e) => e.activityTaskScheduledEventAttributes).length, 1);
  });

  it('refuses an input or an output outside the data roots', async () => {
    const input = await activityFailureOf(await start({ inputUri: '/etc/hostname' }));
    assert.equal(input.failure.type, 'DataAccessError');
    assert.match(input.failure.message, /inputUri "\/etc\/hostname" is outside the folders/);
    const output = await activityFailureOf(await start({ outputUri: '/usr/share/scores.csv' }));
    assert.equal(output.failure.type, 'DataAccessError');
    assert.match(output.failure.message, /outputUri "\/usr\/share\/scores.csv" is outside the folders/);
  });

  it('refuses a version the registry does not have and an output format it cannot write, typed', async () => {
    const version = await activityFailureOf(await start({ version: 99 }));
    assert.equal(version.failure.type, 'InvalidInputError');
    assert.match(version.failure.message, /telco-churn has no version 99 in the registry/);
    const format = await activityFailureOf(await start({ outputUri: join(dir, 'scores.xlsx') }));
    assert.equal(format.failure.type, 'InvalidInputError');
    assert.match(format.failure.message, /outputUri ".*scores\.xlsx" must end in \.csv or \.parquet/);
  });

  it('fails an input that breaks the schema before any activity runs', async () => {
    const handle = await start({ chunkRows: 0, outputUri: 'scores.txt' });
    const error = await handle.result().then(
      () => assert.fail('the run should fail'),
      (err: unknown) => err,
    );
    assert.ok(error instanceof WorkflowFailedError);
    assert.ok(error.cause instanceof ApplicationFailure);
    assert.equal(error.cause.type, 'InvalidInputError');
    assert.match(error.cause.message, /chunkRows/);
    const events = (await handle.fetchHistory()).events ?? [];
    assert.equal(events.filter((e) => e.activityTaskScheduledEventAttributes).length, 0);
  });

  it('writes rows that fail validation to a rejects file with row, column and reason, and scores the rest', async () => {
    const lines = telcoText.trimEnd().split('\n').slice(0, 2001);
    const header = (lines[0] as string).split(',');
    const set = (line: number, column: string, value: string) => {
      const cells = (lines[line] as string).split(',');
      cells[header.indexOf(column)] = value;
      lines[line] = cells.join(',');
    };
    set(10, 'Contract', 'Weekly');
    set(20, 'tenure', 'twelve');
    set(30, 'MonthlyCharges', 'n/a');
    lines[40] = (lines[40] as string).split(',').slice(0, 5).join(',');
    const path = join(dir, 'some-bad.csv');
    writeFileSync(path, `${lines.join('\n')}\n`);

    const result = await (await start({ inputUri: path, chunkRows: 500 })).result();
    assert.equal(result.rows, 2000);
    assert.equal(result.rejectedRows, 4);
    assert.equal(result.scoredRows, 1996);
    assert.equal(readCsv(result.outputUri).data.length, 1996);
    assert.ok(result.rejectsUri);
    const rejects = readCsv(result.rejectsUri);
    assert.deepEqual(rejects.meta.fields, ['row', 'id', 'column', 'reason']);
    const byRow = new Map<string, Row[]>();
    for (const reject of rejects.data)
      byRow.set(reject.row as string, [...(byRow.get(reject.row as string) ?? []), reject]);
    assert.deepEqual([...byRow.keys()], ['10', '20', '30', '40']);
    const first = byRow.get('10')?.[0];
    assert.equal(first?.column, 'Contract');
    assert.match(first?.reason ?? '', /unseen category "Weekly"/);
    assert.equal(first?.id, (lines[10] as string).split(',')[0]);
    assert.equal(byRow.get('20')?.[0]?.column, 'tenure');
    assert.match(byRow.get('20')?.[0]?.reason ?? '', /must be a number or blank, got "twelve"/);
    assert.equal(byRow.get('30')?.[0]?.column, 'MonthlyCharges');
    assert.equal(byRow.get('40')?.[0]?.column, 'tenure');
    assert.match(
      byRow.get('40')?.[0]?.reason ?? '',
      /missing column "tenure" and after: the row has 5 cells, the header 21 columns/,
    );
    assert.equal(byRow.get('40')?.length, 1, 'one problem for a short row, not one per missing column');

    // The next run into the same output rejects nothing: the last run's rejects file must not stay beside it.
    const clean = join(dir, 'all-good.csv');
    writeFileSync(clean, `${telcoText.trimEnd().split('\n').slice(0, 2001).join('\n')}\n`);
    const again = await (await start({ inputUri: clean, outputUri: result.outputUri, chunkRows: 500 })).result();
    assert.equal(again.rejectedRows, 0);
    assert.equal(again.rejectsUri, undefined);
    assert.equal(existsSync(result.rejectsUri), false, 'a stale rejects file is removed');
  });

  it('fails the run above maxErrorRate with a typed failure that counts the rejects and names the commonest reasons', async () => {
    const lines = telcoText.trimEnd().split('\n').slice(0, 1001);
    const contract = (lines[0] as string).split(',').indexOf('Contract');
    for (let line = 1; line <= 30; line++) {
      const cells = (lines[line] as string).split(',');
      cells[contract] = 'Weekly';
      lines[line] = cells.join(',');
    }
    const path = join(dir, 'many-bad.csv');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const outputUri = join(dir, 'many-bad-scored.csv');
    const handle = await start({ inputUri: path, outputUri, maxErrorRate: 0.02, chunkRows: 250 });
    const error = await handle.result().then(
      () => assert.fail('the run should fail'),
      (err: unknown) => err,
    );
    assert.ok(error instanceof WorkflowFailedError);
    assert.ok(error.cause instanceof ApplicationFailure);
    assert.equal(error.cause.type, 'TooManyRejectsError');
    assert.equal(error.cause.nonRetryable, true);
    assert.match(error.cause.message, /30 of 1000 rows \(3\.00%\) failed validation, more than maxErrorRate 2% allows/);
    assert.match(error.cause.message, /unseen category in "Contract" \(30 rows\)/);
    const details = error.cause.details?.[0] as { rejectedRows: number; rejectsUri: string };
    assert.equal(details.rejectedRows, 30);
    assert.equal(readCsv(details.rejectsUri).data.length, 30);
    assert.throws(() => readFileSync(outputUri), /ENOENT/);
    assert.deepEqual(filesUnder(join(stack.home, 'batch')), [], 'no part left behind');
    await saveHistory(handle, 'batch-score-rejected-history.json');
  });

  it('reads and writes Parquet, keeping column types, with the same scores as /predict', async () => {
    const parquetIn = join(dir, 'telco.parquet');
    writeTelcoParquet(parquetIn, telco.data);
    const expected = await predict(stack.scoringUrl, telco.data);
    const check = (probabilities: number[], labels: number[]) => {
      assert.equal(probabilities.length, telco.data.length);
      probabilities.forEach((p, i) =>
        assert.ok(Math.abs(p - (expected[i]?.probability ?? NaN)) <= 1e-6, `row ${i + 1}`),
      );
      labels.forEach((label, i) => assert.equal(label, expected[i]?.label, `row ${i + 1}`));
    };

    const parquetOut = join(dir, 'telco-scored.parquet');
    const both = await (await start({ inputUri: parquetIn, outputUri: parquetOut, chunkRows: 2000 })).result();
    assert.equal(both.scoredRows, telco.data.length);
    const rows = await readParquet(parquetOut);
    assert.deepEqual(Object.keys(rows[0] ?? {}), [...(telco.meta.fields ?? []), ...ADDED]);
    check(
      rows.map((row) => row.prediction_probability as number),
      rows.map((row) => row.prediction_label as number),
    );
    assert.equal(typeof rows[0]?.tenure, 'number');
    assert.equal(rows[0]?.customerID, telco.data[0]?.customerID);
    assert.ok(rows.every((row) => row.model_version === version));
    assert.equal(rows.filter((row) => row.TotalCharges === null).length, 11);

    const csvOut = join(dir, 'from-parquet.csv');
    await (await start({ inputUri: parquetIn, outputUri: csvOut, chunkRows: 3000 })).result();
    const fromParquet = readCsv(csvOut);
    check(
      fromParquet.data.map((row) => Number(row.prediction_probability)),
      fromParquet.data.map((row) => Number(row.prediction_label)),
    );

    const toParquet = join(dir, 'from-csv.parquet');
    await (await start({ inputUri: TELCO_CSV, outputUri: toParquet, chunkRows: 3000 })).result();
    const fromCsv = await readParquet(toParquet);
    assert.equal(fromCsv[0]?.tenure, telco.data[0]?.tenure, 'CSV cells stay text');
    check(
      fromCsv.map((row) => row.prediction_probability as number),
      fromCsv.map((row) => row.prediction_label as number),
    );
  });

  it('scores a chunk once: a retry returns the finished part, a part changed since is scored again', async () => {
    const activities = createActivities(activityDeps(stack));
    const env = new MockActivityEnvironment({
      workflowExecution: { workflowId: 'idempotent-chunk', runId: `run-${Date.now()}` },
    });
    const { chunks, ...plan }: BatchPlan = await env.run(activities.planBatchScore, {
      modelName: 'telco-churn',
      inputUri: TELCO_CSV,
      outputUri: join(dir, 'idempotent.csv'),
      chunkRows: 2000,
    });
    const chunk = chunks[1] as BatchChunk;
    const first: ChunkResult = await env.run(activities.scoreBatchChunk, { plan, chunk });
    assert.equal(first.scoredRows, 2000);
    const written = statSync(first.partPath);
    const again: ChunkResult = await env.run(activities.scoreBatchChunk, { plan, chunk });
    assert.deepEqual(again, first);
    assert.equal(statSync(first.partPath).mtimeMs, written.mtimeMs, 'the part was not written again');

    appendFileSync(first.partPath, 'tampered\n');
    const rescored: ChunkResult = await env.run(activities.scoreBatchChunk, { plan, chunk });
    assert.equal(rescored.partSha256, first.partSha256, 'the same rows give the same bytes');
    assert.equal(readFileSync(rescored.partPath, 'utf8').includes('tampered'), false);
  });

  it('refuses to score a chunk of an input rewritten since the run planned it', async () => {
    const activities = createActivities(activityDeps(stack));
    const env = new MockActivityEnvironment({
      workflowExecution: { workflowId: 'changed-input', runId: `run-${Date.now()}` },
    });
    const path = join(dir, 'changing.csv');
    writeFileSync(path, telcoText);
    const { chunks, ...plan }: BatchPlan = await env.run(activities.planBatchScore, {
      modelName: 'telco-churn',
      inputUri: path,
      outputUri: join(dir, 'changing-scored.csv'),
      chunkRows: 2000,
    });
    appendFileSync(path, telcoText.split('\n')[1] ?? '');
    await assert.rejects(env.run(activities.scoreBatchChunk, { plan, chunk: chunks[0] as BatchChunk }), {
      name: 'ArtifactIntegrityError',
      message: /changing\.csv changed after the run planned its chunks/,
    });
  });

  it('loses nothing when a worker is stopped mid-batch: another worker resumes and every row is in the output once', async () => {
    const copies = 10;
    const [head, ...body] = telcoText.trimEnd().split('\n');
    const lines: string[] = [head ?? ''];
    for (let copy = 0; copy < copies; copy++) lines.push(...body.map((line) => `${copy}-${line}`));
    const path = join(dir, 'telco-x10.csv');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const outputUri = join(dir, 'telco-x10-scored.csv');
    const taskQueue = `${stack.taskQueue}-resume`;

    // Worker A scores three chunks, then every chunk it takes hangs until the worker stops.
    let scoredOnA = 0;
    const real = createActivities(activityDeps(stack));
    const activities = {
      ...real,
      scoreBatchChunk: async (input: Parameters<typeof real.scoreBatchChunk>[0]) => {
        if (scoredOnA >= 3) await Context.current().cancelled;
        scoredOnA++;
        return real.scoreBatchChunk(input);
      },
    };
    const workerA = await batchWorker(stack, taskQueue, 'worker-a', activities);
    const runningA = workerA.run();
    const handle = await stack.env.client.workflow.start<typeof batchScore>('batchScore', {
      taskQueue,
      workflowId: `batch-e2e-resume`,
      args: [{ modelName: 'telco-churn', inputUri: path, outputUri, chunkRows: 5000 }],
    });
    await waitFor(async () => (await handle.query(batchScoreProgressQuery)).chunksDone === 3, {
      timeoutMs: 60_000,
      what: 'worker A to finish three chunks',
    });
    const midway = await handle.query(batchScoreProgressQuery);
    assert.equal(midway.chunksTotal, 15);
    workerA.shutdown();
    await runningA;

    const workerB = await batchWorker(stack, taskQueue, 'worker-b', createActivities(activityDeps(stack)));
    const result = await workerB.runUntil(handle.result());
    assert.equal(result.rows, body.length * copies);
    assert.equal(result.scoredRows, body.length * copies);
    assert.equal(result.logSampled, true);
    assert.ok(Math.abs(result.loggedRows - 50_000) <= 15, String(result.loggedRows));

    const output = readCsv(outputUri).data;
    assert.equal(output.length, body.length * copies);
    const ids = output.map((row) => row.customerID);
    assert.equal(new Set(ids).size, ids.length, 'no row twice');
    assert.deepEqual(
      ids,
      lines.slice(1).map((line) => line.split(',')[0]),
      'every row, in input order',
    );

    const completedBy = new Map<string, number>();
    const events = (await handle.fetchHistory()).events ?? [];
    const chunkEvents = new Set(
      events
        .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'scoreBatchChunk')
        .map((e) => Number(e.eventId)),
    );
    for (const event of events) {
      const completed = event.activityTaskCompletedEventAttributes;
      if (!completed || !chunkEvents.has(Number(completed.scheduledEventId))) continue;
      const identity = completed.identity ?? '';
      completedBy.set(identity, (completedBy.get(identity) ?? 0) + 1);
    }
    assert.deepEqual(Object.fromEntries(completedBy), { 'worker-a': 3, 'worker-b': 12 });
    await saveHistory(handle, 'batch-score-resumed-history.json');
  });
});

/** Every file under `dir`, at any depth. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Kept for the replay test: copy it to test/fixtures/ when the workflow changes on purpose. */
async function saveHistory(handle: WorkflowHandle, file: string): Promise<void> {
  mkdirSync(TEST_OUTPUT, { recursive: true });
  writeFileSync(join(TEST_OUTPUT, file), historyToJSON(await handle.fetchHistory()));
}

/** The Telco rows as Parquet with typed columns: integers, doubles (blank TotalCharges as null), strings. */
function writeTelcoParquet(path: string, rows: Row[]): void {
  const types: Record<string, 'INT32' | 'DOUBLE'> = {
    SeniorCitizen: 'INT32',
    tenure: 'INT32',
    MonthlyCharges: 'DOUBLE',
    TotalCharges: 'DOUBLE',
  };
  const columns = Object.keys(rows[0] ?? {}).map((name) => {
    const type = types[name];
    const data = rows.map((row) => {
      const value = row[name] ?? '';
      if (type === undefined) return value;
      return value.trim() === '' ? null : Number(value);
    });
    return { name, data, type: type ?? ('STRING' as const) };
  });
  writeFileSync(path, new Uint8Array(parquetWriteBuffer({ columnData: columns })));
}

async function readParquet(path: string): Promise<Record<string, unknown>[]> {
  const bytes = readFileSync(path);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return parquetReadObjects({ file });
}

function activityDeps(stack: TestStack): ActivityDeps {
  return {
    registry: stack.registry,
    predictionLog: stack.predictionLogReader,
    home: stack.home,
    dataRoots: [stack.home, dirname(TELCO_CSV), tmpdir()],
    scoringUrl: stack.scoringUrl,
    packageVersion: 'test',
    gitCommit: null,
  };
}

async function batchWorker(stack: TestStack, taskQueue: string, identity: string, activities: object): Promise<Worker> {
  return Worker.create({
    connection: stack.env.nativeConnection,
    taskQueue,
    identity,
    workflowBundle: await loadWorkflowBundle(),
    activities,
    maxConcurrentActivityTaskExecutions: 2,
  });
}
