import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { ThreadedPredictionLog } from '../../monitoring/prediction-log';
import type { PredictionLogOptions } from '../../monitoring/prediction-log';
import type { ModelVersionRecord } from '../../registry/types';
import { startScoringServer, type ScoringServer } from '../../serving/server';
import { parseExposition, valueOf, type Exposition } from '../helpers/prometheus';
import type { Fixture } from './helpers';
import { createFixture, InMemorySource, RECORDS } from './helpers';

describe('GET /metrics over real HTTP', () => {
  let fixture: Fixture;
  let v1: ModelVersionRecord;
  let v2: ModelVersionRecord;
  let broken: ModelVersionRecord;
  let home: string;
  let log: ThreadedPredictionLog;
  let server: ScoringServer;

  before(async () => {
    fixture = await createFixture();
    v1 = await fixture.version('churn', 1);
    v2 = await fixture.version('churn', 2);
    // Its file is v1's, so the sha256 recorded for v3 does not match it: the load fails.
    broken = { ...(await fixture.version('churn', 2)), version: 3, artifactPath: v1.artifactPath };
  });
  after(() => fixture.cleanup());

  async function start(logOptions: PredictionLogOptions = {}): Promise<void> {
    log = await ThreadedPredictionLog.open(home, logOptions);
    server = await startScoringServer({
      host: '127.0.0.1',
      port: 0,
      source: new InMemorySource().add(v1).add(v2).add(broken).setServing('churn', 1),
      predictionLog: log,
    });
  }
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'mlcycle-metrics-'));
  });
  afterEach(async () => {
    await server.close();
    await log.close();
    await rm(home, { recursive: true, force: true });
  });

  const post = (url: string, body: unknown) =>
    fetch(`${server.url}${url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const predict = async (body: object, status = 200) => {
    const response = await post('/predict', body);
    assert.equal(response.status, status, await response.clone().text());
    await response.arrayBuffer();
  };
  const scrape = async (): Promise<Exposition> => {
    const response = await fetch(`${server.url}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    return parseExposition(await response.text());
  };

  it('counts requests by route pattern, model, version and status, with their latency and records per request', async () => {
    await start();
    await predict({ records: RECORDS.slice(0, 1) });
    await predict({ records: RECORDS.slice(0, 2) });
    await predict({ records: RECORDS.slice(0, 3) });
    await predict({ version: 2, records: RECORDS.slice(0, 4) });
    await predict({ records: [{ ...RECORDS[0], tenure: 'many' }] }, 400);
    await predict({ model: 'nope', records: RECORDS.slice(0, 1) }, 404);
    assert.equal((await fetch(`${server.url}/models/churn`)).status, 200);
    assert.equal((await fetch(`${server.url}/no/such/page?x=1`)).status, 404);

    const metrics = await scrape();
    assert.equal(metrics.types.get('mlcycle_http_requests_total'), 'counter');
    assert.equal(metrics.types.get('mlcycle_http_request_duration_seconds'), 'histogram');
    const requests = (labels: Record<string, string>) => valueOf(metrics, 'mlcycle_http_requests_total', labels);
    const ok = { route: '/predict', model: 'churn', status: '200' };
    assert.equal(requests({ ...ok, version: '1' }), 3);
    assert.equal(requests({ ...ok, version: '2' }), 1);
    assert.equal(requests({ route: '/predict', model: 'churn', version: '1', status: '400' }), 1);
    // An unknown model is no label value: only names the pool answered with become one.
    assert.equal(requests({ route: '/predict', model: '', version: '', status: '404' }), 1);
    assert.equal(requests({ route: '/models/:name', status: '200' }), 1);
    // A URL no route matches is counted under one value, never under the raw path.
    assert.equal(requests({ route: 'unmatched', status: '404' }), 1);
    assert.ok(!metrics.samples.some((sample) => Object.values(sample.labels).some((v) => v.includes('/no/such'))));

    const latency = { route: '/predict', model: 'churn', version: '1', status: '200' };
    assert.equal(valueOf(metrics, 'mlcycle_http_request_duration_seconds_count', latency), 3);
    assert.equal(valueOf(metrics, 'mlcycle_http_request_duration_seconds_bucket', { ...latency, le: '+Inf' }), 3);
    assert.ok((valueOf(metrics, 'mlcycle_http_request_duration_seconds_sum', latency) ?? 0) > 0);

    const records = { route: '/predict', model: 'churn', version: '1' };
    assert.equal(valueOf(metrics, 'mlcycle_predict_records_count', records), 3);
    assert.equal(valueOf(metrics, 'mlcycle_predict_records_sum', records), 6);
    assert.equal(valueOf(metrics, 'mlcycle_predict_records_bucket', { ...records, le: '2' }), 2);
    assert.equal(valueOf(metrics, 'mlcycle_predict_records_sum', { ...records, version: '2' }), 4);
  });

  it("reports the prediction log's queue depth, written entries and drops", async () => {
    // A queue of 3: a request of 5 records loses its 2 oldest entries at once, in the server's own queue.
    await start({ maxQueue: 3 });
    await predict({ records: RECORDS.slice(0, 2) });
    await log.flush();
    await predict({ records: [0, 1, 2, 3, 4].map((i) => RECORDS[i % RECORDS.length]) });
    await log.flush();
    const metrics = await scrape();
    assert.equal(metrics.types.get('mlcycle_prediction_log_queue_depth'), 'gauge');
    assert.equal(valueOf(metrics, 'mlcycle_prediction_log_queue_depth'), 0);
    assert.equal(valueOf(metrics, 'mlcycle_prediction_log_written_total'), 5);
    assert.equal(valueOf(metrics, 'mlcycle_prediction_log_dropped_total'), 2);
    assert.equal(valueOf(metrics, 'mlcycle_prediction_log_rejected_total'), 0);
  });

  it('counts model loads and load failures by model and version, and exposes the event loop lag', async () => {
    await start();
    await predict({ version: 2, records: RECORDS.slice(0, 1) });
    const failed = await post('/predict', { version: 3, records: RECORDS.slice(0, 1) });
    assert.notEqual(failed.status, 200);
    await failed.arrayBuffer();
    const metrics = await scrape();
    const loads = (version: string, outcome: string) =>
      valueOf(metrics, 'mlcycle_model_loads_total', { model: 'churn', version, outcome });
    assert.equal(loads('1', 'loaded'), 1);
    assert.equal(loads('2', 'loaded'), 1);
    assert.equal(loads('3', 'failed'), 1);
    assert.equal(loads('3', 'loaded'), undefined);
    assert.notEqual(valueOf(metrics, 'nodejs_eventloop_lag_p99_seconds'), undefined);
  });
});
