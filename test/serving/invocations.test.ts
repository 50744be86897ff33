import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { ErrorBody } from '../../contracts/http';
import type { ModelVersionRecord } from '../../registry/types';
import { buildScoringApp } from '../../serving/app';
import { ModelPool } from '../../serving/model-pool';
import type { Fixture } from './helpers';
import { createFixture, InMemorySource, RECORDS, referenceProbabilities, SPEC } from './helpers';
import { rawRequest } from './raw-http';

const BODY_LIMIT = 4096;
const COLUMNS = SPEC.inputs.map((input) => input.name);
const ROWS = RECORDS.map((record) => COLUMNS.map((name) => record[name]));
const split = (data: unknown[][] = ROWS, columns: string[] = COLUMNS) => ({ dataframe_split: { columns, data } });
const CSV_HEADER = COLUMNS.join(',');

interface Served {
  app: FastifyInstance;
  pool: ModelPool;
  url: string;
}

/** A real server on a free port over the fixture's churn v1 (serving) and v2, with a small body limit. */
async function serve(fixture: Fixture, serving: number | undefined): Promise<Served> {
  const source = new InMemorySource().add(await fixture.version('churn', 1)).add(await fixture.version('churn', 2));
  source.setServing('churn', serving);
  const pool = new ModelPool({ source });
  await pool.refresh();
  const app = buildScoringApp({ pool, bodyLimit: BODY_LIMIT, maxRecords: 8 });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { app, pool, url: `http://127.0.0.1:${port}` };
}

describe('POST /invocations (MLflow scoring protocol) over real HTTP', () => {
  let fixture: Fixture;
  let served: Served;
  let v1: ModelVersionRecord;

  before(async () => {
    fixture = await createFixture();
    v1 = await fixture.version('churn', 1);
    served = await serve(fixture, 1);
  });
  after(async () => {
    await served.app.close();
    await served.pool.close();
    await fixture.cleanup();
  });

  const invoke = async (body: string | Buffer, contentType?: string, query = '') => {
    const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
    const response = await fetch(`${served.url}/invocations${query}`, { method: 'POST', headers, body });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
  const invokeJson = (body: unknown, query = '') => invoke(JSON.stringify(body), 'application/json', query);

  it('answers one churn probability per row, the float64 reference within 1e-5, in MLflow\'s {"predictions"} shape', async () => {
    const answer = await invokeJson(split());
    assert.equal(answer.status, 200);
    assert.deepEqual(Object.keys(answer.json), ['predictions']);
    const predictions = answer.json.predictions as number[];
    const expected = referenceProbabilities(1, RECORDS);
    assert.equal(predictions.length, RECORDS.length);
    predictions.forEach((p, i) => assert.ok(Math.abs(p - (expected[i] as number)) < 1e-5, `row ${i}`));
    assert.equal(v1.version, 1);
  });

  it("takes pandas' split body with its index and MLflow's old pandas-split content type", async () => {
    const body = { dataframe_split: { columns: COLUMNS, index: [10, 11, 12, 13, 14, 15], data: ROWS } };
    const answer = await invoke(JSON.stringify(body), 'application/json; format=pandas-split');
    assert.equal(answer.status, 200);
    assert.equal((answer.json.predictions as number[]).length, RECORDS.length);
  });

  it('reads a CSV body by its header, typing numeric cells and taking a blank number as missing', async () => {
    const csv = `${CSV_HEADER}\n1,Month-to-month,29.85,DSL,\n"34","One year",56.95,DSL,1889.5\n`;
    const answer = await invoke(csv, 'text/csv; charset=utf-8');
    assert.equal(answer.status, 200);
    const expected = referenceProbabilities(1, [
      { ...RECORDS[0], TotalCharges: null },
      { ...RECORDS[1], TotalCharges: 1889.5 },
    ]);
    (answer.json.predictions as number[]).forEach((p, i) => assert.ok(Math.abs(p - (expected[i] as number)) < 1e-5));
  });

  it('chooses the version in the query string or in params', async () => {
    const expected = referenceProbabilities(2, RECORDS);
    for (const [body, query] of [
      [split(), '?version=2'],
      [{ ...split(), params: { version: 2 } }, ''],
      [{ ...split(), params: { model: 'churn', version: 2 } }, '?model=churn&version=2'],
    ] as const) {
      const answer = await invokeJson(body, query);
      assert.equal(answer.status, 200, JSON.stringify(answer.json));
      (answer.json.predictions as number[]).forEach((p, i) => assert.ok(Math.abs(p - (expected[i] as number)) < 1e-5));
    }
  });

  it('reads a bare NaN, as MLflow\'s client writes a missing value, as missing, and leaves "NaN" in a string alone', async () => {
    // What mlflow's dump_input_data sends for a DataFrame with a blank TotalCharges (Python's json.dumps).
    const body = `{"dataframe_split": {"index": [0], "columns": ${JSON.stringify(COLUMNS)}, "data": [[1, "Month-to-month", 29.85, "DSL", NaN]]}}`;
    const answer = await invoke(body, 'application/json');
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    const expected = referenceProbabilities(1, [{ ...RECORDS[0], TotalCharges: null }]);
    assert.ok(Math.abs((answer.json.predictions as number[])[0]! - expected[0]!) < 1e-5);
    const inString = await invoke(body.replace('"DSL"', '"NaN"'), 'application/json');
    assert.equal(inString.status, 400);
    assert.match((inString.json as unknown as ErrorBody).details[0]?.message ?? '', /unseen category "NaN"/);
  });

  it("answers /ping, the health check of MLflow's client, with 200", async () => {
    assert.equal((await fetch(`${served.url}/ping`)).status, 200);
  });

  it('takes a column named "__proto__" as plain data, never as a prototype', async () => {
    const answer = await invoke(
      `${CSV_HEADER},__proto__\n1,Month-to-month,29.85,DSL,29.85,{"polluted":1}\n`,
      'text/csv',
    );
    assert.equal(answer.status, 200);
    assert.equal((answer.json.predictions as number[]).length, 1);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  const badBodies: [string, unknown, number | null, string | null][] = [
    ['a body that is not an object', [ROWS[0]], null, null],
    ['no input field', { params: {} }, null, null],
    ['two input fields', { ...split(), dataframe_records: RECORDS }, null, null],
    ['an unknown field', { records: RECORDS }, null, 'records'],
    ['dataframe_split that is not an object', { dataframe_split: [ROWS] }, null, 'dataframe_split'],
    ['columns that are not names', split(ROWS, [1, 2] as unknown as string[]), null, 'dataframe_split.columns'],
    ['a column given twice', split([[1, 1]], ['tenure', 'tenure']), null, 'tenure'],
    ['a row with fewer values than columns', split([ROWS[0] as unknown[], [1, 'One year']]), 1, null],
    [
      'an index of the wrong length',
      { dataframe_split: { columns: COLUMNS, data: ROWS, index: [0] } },
      null,
      'dataframe_split.index',
    ],
    ['a missing column', split([[1, 'One year', 20, 'DSL']], COLUMNS.slice(0, 4)), 0, 'TotalCharges'],
    [
      'a numeric cell that is not a number',
      split([ROWS[0] as unknown[], [1, 'One year', 'cheap', 'DSL', 1]]),
      1,
      'MonthlyCharges',
    ],
    ['an unseen category', split([[1, 'Weekly', 20, 'DSL', 1]]), 0, 'Contract'],
    ['a category that is not a string', split([[1, 2, 20, 'DSL', 1]]), 0, 'Contract'],
    ['dataframe_records that is not a list', { dataframe_records: RECORDS[0] }, null, 'dataframe_records'],
    ['an instance that is not a record', { instances: [RECORDS[0], 'x'] }, 1, null],
    ['columnar inputs of uneven length', { inputs: { tenure: [1, 2], Contract: ['One year'] } }, null, 'Contract'],
    ['no rows', split([]), null, null],
    ['more rows than the limit', { dataframe_records: [...RECORDS, ...RECORDS] }, null, null],
    ['params that are not an object', { ...split(), params: [1] }, null, 'params'],
    ['a version in params written as a string', { ...split(), params: { version: '2' } }, null, 'params.version'],
  ];
  for (const [label, body, row, field] of badBodies) {
    it(`answers 400 naming row and column for ${label}`, async () => {
      const answer = await invokeJson(body);
      assert.equal(answer.status, 400, JSON.stringify(answer.json));
      const { error, details } = answer.json as unknown as ErrorBody;
      assert.match(error, /^Invalid request/);
      assert.equal(details[0]?.row, row, JSON.stringify(details));
      assert.equal(details[0]?.field, field, JSON.stringify(details));
      assert.ok((details[0]?.message.length ?? 0) > 10);
    });
  }

  const badCsv: [string, string, number | null, string | null][] = [
    ['an empty CSV', '\n', null, null],
    ['a header without rows', `${CSV_HEADER}\n`, null, null],
    ['a row with more cells than the header', `${CSV_HEADER}\n1,One year,20,DSL,1,extra\n`, 0, null],
    ['a header naming a column twice', 'tenure,tenure\n1,2\n', null, 'tenure'],
    ['a cell that is not a number', `${CSV_HEADER}\n1,One year,20,DSL,1\n2,One year,20,DSL,lots\n`, 1, 'TotalCharges'],
    ['an unseen category', `${CSV_HEADER}\n1,Weekly,20,DSL,1\n`, 0, 'Contract'],
  ];
  for (const [label, csv, row, field] of badCsv) {
    it(`answers 400 naming row and column for a CSV body with ${label}`, async () => {
      const answer = await invoke(csv, 'text/csv');
      assert.equal(answer.status, 400, JSON.stringify(answer.json));
      const { details } = answer.json as unknown as ErrorBody;
      assert.equal(details[0]?.row, row, JSON.stringify(details));
      assert.equal(details[0]?.field, field, JSON.stringify(details));
    });
  }

  it('answers 400 naming "version" for a malformed or disagreeing version choice', async () => {
    for (const [query, body] of [
      ['?version=latest', split()],
      ['?version=0', split()],
      ['?version=1&version=2', split()],
      ['?version=1', { ...split(), params: { version: 2 } }],
    ] as const) {
      const answer = await invokeJson(body, query);
      assert.equal(answer.status, 400, query);
      assert.equal((answer.json as unknown as ErrorBody).details[0]?.field, 'version', query);
    }
  });

  it('answers 404 for an unknown model or version', async () => {
    for (const query of ['?model=nope', '?version=9', '?model=nope&version=1']) {
      const answer = await invokeJson(split(), query);
      assert.equal(answer.status, 404, query);
      assert.match((answer.json as unknown as ErrorBody).error, /"(nope|churn)"/);
    }
  });

  it('answers 415 naming what it takes for a body neither JSON nor CSV, or one with no Content-Type', async () => {
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', undefined]) {
      const answer = await invoke(Buffer.from(JSON.stringify(split())), contentType);
      assert.equal(answer.status, 415, contentType);
      assert.match((answer.json as unknown as ErrorBody).error, /application\/json .* or text\/csv/);
    }
  });

  it('answers 400 for an empty body', async () => {
    const answer = await invoke(Buffer.alloc(0));
    assert.equal(answer.status, 400);
    assert.match((answer.json as unknown as ErrorBody).error, /empty/);
  });

  it('refuses a body whose Content-Length is over the limit with 413 before reading it', async () => {
    for (const contentType of ['application/json', 'text/csv']) {
      // Ten bytes of a body announced as a million: the answer comes without the rest ever being sent.
      const answer = await rawRequest(`${served.url}/invocations`, {
        headers: { 'content-type': contentType, 'content-length': 1_000_000 },
        chunks: ['{"datafram'],
        end: false,
      });
      assert.equal(answer.status, 413, contentType);
      assert.match((JSON.parse(answer.body) as ErrorBody).error, new RegExp(`limit is ${BODY_LIMIT} bytes`));
    }
  });

  it('refuses a chunked body over the limit with 413, not the 400 its parse would give', async () => {
    for (const contentType of ['application/json', 'text/csv']) {
      const chunk = 'not json, not csv "'.repeat(100);
      const answer = await rawRequest(`${served.url}/invocations`, {
        headers: { 'content-type': contentType, 'transfer-encoding': 'chunked' },
        chunks: [chunk, chunk, chunk],
      });
      assert.equal(answer.status, 413, contentType);
    }
  });
});

describe('POST /invocations with no model served', () => {
  it('answers 503 until a model is loaded', async () => {
    const fixture = await createFixture();
    const served = await serve(fixture, undefined);
    try {
      const response = await fetch(`${served.url}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(split()),
      });
      assert.equal(response.status, 503);
      assert.match(((await response.json()) as ErrorBody).error, /No model is loaded/);
      assert.equal((await fetch(`${served.url}/ping`)).status, 503);
    } finally {
      await served.app.close();
      await served.pool.close();
      await fixture.cleanup();
    }
  });
});
