import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PredictionLogReader, PredictionLogWriter } from '../../monitoring/prediction-log';
import { NO_LOG_HEADER } from '../../contracts/http';
import { DEFAULT_BODY_LIMIT } from '../../serving/app';
import type { ErrorBody } from '../../contracts/http';
import type { ScoringServer } from '../../serving/server';
import { startScoringServer } from '../../serving/server';
import type { Fixture } from '../serving/helpers';
import { createFixture, InMemorySource, RECORDS } from '../serving/helpers';

// Hostile requests against a real scoring server over real HTTP: each is refused with a 4xx that
// names what was wrong, in an error body much smaller than the request, and leaves the prediction log
// (predictions and labels) exactly as it was.

const TOKEN = 'hostile-admin-token';
const MB = 'm'.repeat(1024 * 1024 - 64);
/** The largest error body any of these requests may get back. */
const MAX_ERROR_BODY = 8 * 1024;

interface Hostile {
  what: string;
  method?: 'GET' | 'POST' | 'PUT';
  path?: string;
  headers?: Record<string, string>;
  /** Sent as is (a string) or as JSON. */
  body?: string | object;
  status: number;
  /** The field some detail names, or a word the error names when there is no field. */
  names: { field: string; row?: number | null } | { error: RegExp };
}

const record = RECORDS[1] as Record<string, unknown>;
const withRecord = (extra: Record<string, unknown>) => ({ records: [{ ...record, ...extra }] });
const nested = (depth: number, leaf: string) => '{"a":'.repeat(depth) + leaf + '}'.repeat(depth);
const json = 'application/json';

const HOSTILE: Hostile[] = [
  // Prototype keys: refused by name, wherever they are.
  {
    what: 'a top-level __proto__ key',
    body: `{"__proto__":{"polluted":1},"records":[${JSON.stringify(record)}]}`,
    status: 400,
    names: { field: '__proto__' },
  },
  {
    what: 'a __proto__ key in a record',
    body: `{"records":[{"__proto__":{"tenure":1}}]}`,
    status: 400,
    names: { field: '__proto__', row: 0 },
  },
  {
    what: 'a __proto__ key written with unicode escapes',
    body: `{"records":[{"\\u005f_proto__":1}]}`,
    status: 400,
    names: { field: '__proto__', row: 0 },
  },
  {
    what: 'constructor.prototype',
    body: `{"constructor":{"prototype":{"x":1}},"records":[]}`,
    status: 400,
    names: { field: 'constructor.prototype' },
  },
  {
    what: 'a __proto__ key in a feedback label',
    path: '/feedback',
    body: `{"labels":[{"id":"x","label":1,"__proto__":{}}]}`,
    status: 400,
    names: { field: '__proto__', row: 0 },
  },
  // Depth and size.
  {
    what: 'a value nested 100,000 deep in a record',
    body: `{"records":[{"tenure":${nested(100_000, '1')}}]}`,
    status: 400,
    names: { field: 'tenure', row: 0 },
  },
  {
    what: 'a model nested 100,000 deep',
    body: `{"model":${nested(100_000, '1')},"records":[]}`,
    status: 400,
    names: { field: 'model' },
  },
  {
    what: 'records nested 100,000 arrays deep',
    body: `{"records":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
    status: 400,
    names: { field: null as unknown as string, row: 0 },
  },
  { what: 'a 1 MB model name', body: { model: MB, records: [record] }, status: 404, names: { error: /chars\)/ } },
  {
    what: 'a 1 MB string in a numeric column',
    body: withRecord({ tenure: MB }),
    status: 400,
    names: { field: 'tenure', row: 0 },
  },
  {
    what: 'a 1 MB string in a categorical column',
    body: withRecord({ Contract: MB }),
    status: 400,
    names: { field: 'Contract', row: 0 },
  },
  {
    what: 'a 1 MB column name (ignored) beside a missing column',
    body: withRecord({ [MB]: 1, tenure: undefined }),
    status: 400,
    names: { field: 'tenure', row: 0 },
  },
  // Wrong types and number-like strings.
  { what: 'records as a string', body: { records: 'tenure=1' }, status: 400, names: { field: 'records' } },
  {
    what: 'a record that is a number',
    body: { records: [7] },
    status: 400,
    names: { field: null as unknown as string, row: 0 },
  },
  {
    what: 'a category as a number',
    body: withRecord({ Contract: 1 }),
    status: 400,
    names: { field: 'Contract', row: 0 },
  },
  {
    what: 'a number as an object',
    body: withRecord({ MonthlyCharges: { value: 1 } }),
    status: 400,
    names: { field: 'MonthlyCharges', row: 0 },
  },
  ...['NaN', 'Infinity', '-Infinity', '1e999', '0x10', '1_000'].map((text): Hostile => ({
    what: `the numeric string "${text}"`,
    body: withRecord({ tenure: text }),
    status: 400,
    names: { field: 'tenure', row: 0 },
  })),
  {
    what: 'a number beyond float range written as JSON',
    body: `{"records":[${JSON.stringify(record).replace('"tenure":34', '"tenure":1e999')}]}`,
    status: 400,
    names: { field: 'tenure', row: 0 },
  },
  // Versions: positive integers as JSON numbers, everywhere.
  ...['"1"', '1.5', '-1', '0', '1e300', 'true', '[1]'].map((version): Hostile => ({
    what: `the /predict version ${version}`,
    body: `{"version":${version},"records":[${JSON.stringify(record)}]}`,
    status: 400,
    names: { field: 'version' },
  })),
  ...['"1"', '1.5', '-1', '0', 'null'].map((version): Hostile => ({
    what: `the serving version ${version}`,
    method: 'PUT',
    path: '/admin/models/churn/serving',
    headers: { authorization: `Bearer ${TOKEN}` },
    body: `{"version":${version}}`,
    status: 400,
    names: { field: 'version' },
  })),
  ...['1.5', '-1', '0', '01', 'latest'].map((version): Hostile => ({
    what: `the path version ${version}`,
    path: `/admin/models/churn/versions/${version}/load`,
    headers: { authorization: `Bearer ${TOKEN}` },
    status: 400,
    names: { field: 'version' },
  })),
  {
    what: 'a path version of /models',
    method: 'GET',
    path: '/models/churn/versions/2.0',
    status: 400,
    names: { field: 'version' },
  },
  // Not JSON, or too much of it.
  {
    what: 'a text/plain body',
    headers: { 'content-type': 'text/plain' },
    body: JSON.stringify({ records: [record] }),
    status: 415,
    names: { error: /application\/json/ },
  },
  {
    what: 'a form body',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'records=1',
    status: 415,
    names: { error: /application\/json/ },
  },
  {
    what: 'a 10 KB content type',
    headers: { 'content-type': `text/${'x'.repeat(10_000)}` },
    body: '{}',
    status: 415,
    names: { error: /chars\)/ },
  },
  { what: 'truncated JSON', body: '{"records": [', status: 400, names: { error: /not valid JSON/ } },
  { what: 'an empty body', body: '', status: 400, names: { error: /empty/ } },
  {
    what: 'a body over the limit (refused before parsing: it is not even JSON)',
    body: `{${'x'.repeat(DEFAULT_BODY_LIMIT + 10)}`,
    status: 413,
    names: { error: /too large/i },
  },
  // Names and routes.
  {
    what: 'a 5,000-character model name in the path',
    method: 'GET',
    path: `/models/${'n'.repeat(5000)}`,
    status: 414,
    names: { error: /chars\)/ },
  },
  {
    what: 'a malformed percent-encoding in the path',
    method: 'GET',
    path: '/models/%E0%A4%A',
    status: 400,
    names: { error: /malformed/ },
  },
  { what: 'an unknown model schema', method: 'GET', path: '/models/nope', status: 404, names: { error: /"nope"/ } },
  // Feedback.
  {
    what: 'feedback labels that are not an array',
    path: '/feedback',
    body: { labels: 'yes' },
    status: 400,
    names: { field: 'labels' },
  },
  {
    what: 'a feedback label it does not understand',
    path: '/feedback',
    body: { labels: [{ id: 'x', label: 7 }] },
    status: 400,
    names: { field: 'label', row: 0 },
  },
  {
    what: 'a feedback label nested 100,000 deep',
    path: '/feedback',
    body: `{"labels":[{"id":"x","label":${nested(100_000, '1')}}]}`,
    status: 400,
    names: { field: 'label', row: 0 },
  },
  {
    what: 'a 1 MB feedback id',
    path: '/feedback',
    body: { labels: [{ id: MB, label: 1 }] },
    status: 400,
    names: { field: 'id', row: 0 },
  },
  // Admin routes and the no-log header.
  {
    what: 'an admin call without the token',
    path: '/admin/models/churn/versions/1/load',
    status: 401,
    names: { error: /Bearer/ },
  },
  {
    what: 'an admin call with a wrong token',
    method: 'PUT',
    path: '/admin/models/churn/serving',
    headers: { authorization: 'Bearer guess' },
    body: { version: 1 },
    status: 401,
    names: { error: /Bearer/ },
  },
  {
    what: 'the admin model list without the token',
    method: 'GET',
    path: '/admin/models',
    status: 401,
    names: { error: /Bearer/ },
  },
  {
    what: 'the no-log header without the token',
    headers: { [NO_LOG_HEADER]: '1' },
    body: { records: [record] },
    status: 403,
    names: { field: NO_LOG_HEADER },
  },
  {
    what: 'the no-log header with a wrong token',
    headers: { [NO_LOG_HEADER]: '1', authorization: 'Bearer guess' },
    body: { records: [record] },
    status: 403,
    names: { field: NO_LOG_HEADER },
  },
];

/** One request over plain HTTP; the body is read whole even when the server answers before reading it. */
function send(url: string, hostile: Hostile): Promise<{ status: number; text: string }> {
  const body =
    typeof hostile.body === 'string' || hostile.body === undefined ? hostile.body : JSON.stringify(hostile.body);
  const target = new URL(hostile.path ?? '/predict', url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      target,
      {
        method: hostile.method ?? 'POST',
        headers: { ...(body === undefined ? {} : { 'content-type': json }), ...hostile.headers },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        response.on('error', reject);
      },
    );
    // A server that answers 413 and closes may reset the upload; the answer has arrived by then.
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    req.end(body);
  });
}

describe('hostile HTTP requests against a real scoring server', () => {
  let fixture: Fixture;
  let home: string;
  let log: PredictionLogWriter;
  let reader: PredictionLogReader;
  let server: ScoringServer;

  before(async () => {
    fixture = await createFixture();
    home = await mkdtemp(join(tmpdir(), 'mlcycle-hostile-'));
    log = PredictionLogWriter.open(home, { flushIntervalMs: 60_000 });
    reader = PredictionLogReader.open(home);
    const source = new InMemorySource().add(await fixture.version('churn', 1)).setServing('churn', 1);
    server = await startScoringServer({
      host: '127.0.0.1',
      port: 0,
      source,
      predictionLog: log,
      adminToken: TOKEN,
      refreshIntervalMs: 60_000,
    });
    // Some real traffic, so "unchanged" is measured against a log that holds predictions and labels.
    const answer = await fetch(`${server.url}/predict`, {
      method: 'POST',
      headers: { 'content-type': json },
      body: JSON.stringify({ records: RECORDS }),
    });
    const { predictions } = (await answer.json()) as { predictions: { id: string }[] };
    const labels = predictions.slice(0, 3).map(({ id }) => ({ id, label: 1 }));
    const stored = await fetch(`${server.url}/feedback`, {
      method: 'POST',
      headers: { 'content-type': json },
      body: JSON.stringify({ labels }),
    });
    assert.equal(stored.status, 200);
  });
  after(async () => {
    await server.close();
    log.close();
    reader.close();
    await rm(home, { recursive: true, force: true });
    await fixture.cleanup();
  });

  /** Everything the log holds: rows written or queued, and the labelled ones. */
  const logState = () => {
    log.flush();
    const farFuture = Date.parse('2100-01-01T00:00:00.000Z');
    return {
      rows: reader.readWindow('churn', { to: farFuture }).rows,
      labelled: reader.readLabelled('churn', { to: farFuture }).rows,
    };
  };

  for (const hostile of HOSTILE) {
    it(`refuses ${hostile.what} with ${hostile.status}, a bounded error body naming it, and logs nothing`, async () => {
      const before = logState();
      const { status, text } = await send(server.url, hostile);
      assert.equal(status, hostile.status, text.slice(0, 300));
      assert.ok(text.length <= MAX_ERROR_BODY, `error body of ${text.length} characters`);
      const body = JSON.parse(text) as ErrorBody;
      assert.equal(typeof body.error, 'string');
      assert.ok(Array.isArray(body.details));
      if ('field' in hostile.names) {
        const { field, row } = hostile.names;
        const named = body.details.find(
          (detail) => detail.field === field && (row === undefined || detail.row === row),
        );
        assert.ok(named, `a detail naming ${String(field)} (row ${String(row)}): ${text.slice(0, 300)}`);
      } else {
        assert.match(body.error, hostile.names.error);
      }
      assert.deepEqual(logState(), before, 'the prediction log is unchanged');
    });
  }

  it('answers feedback for unknown ids with 200, listing them, and stores nothing', async () => {
    const before = logState();
    const { status, text } = await send(server.url, {
      what: '',
      path: '/feedback',
      body: { labels: [{ id: 'never-predicted', label: 1 }] },
      status: 200,
      names: { error: /./ },
    });
    assert.equal(status, 200);
    assert.deepEqual(JSON.parse(text), { accepted: 0, unknown: ['never-predicted'] });
    assert.deepEqual(logState(), before);
  });
});
