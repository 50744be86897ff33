import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeRecords } from '../../models/features';
import { predictProba } from '../../models/logistic';
import type { LogisticModel, RawTable } from '../../models/types';
import { PredictionLogReader, PredictionLogWriter } from '../../monitoring/prediction-log';
import type { ModelVersionRecord } from '../../registry/types';
import { startScoringServer, type ScoringServer } from '../../serving/server';
import type { Fixture } from './helpers';
import { createFixture, InMemorySource } from './helpers';
import { columnarInputs, dataframeSplit, typedRecords, v2Binary, v2Json, type TextRow } from './protocol-bodies';
import { readTelco, telcoCsv, telcoRecords, telcoVersion } from './telco-model';

const FAR_FUTURE = Date.parse('2100-01-01T00:00:00.000Z');

interface Answer {
  status: number;
  json: Record<string, unknown>;
}

interface V2Output {
  name: string;
  datatype: string;
  shape: number[];
  data: (number | string)[];
}

describe('the three protocols over real HTTP, on real Telco rows', () => {
  let fixture: Fixture;
  let table: RawTable;
  let v1: ModelVersionRecord;
  let v2: ModelVersionRecord;
  let v1Model: LogisticModel;
  let home: string;
  let log: PredictionLogWriter;
  let server: ScoringServer;
  /** The first 40 rows and the rows with a blank TotalCharges, as text cells with id and target. */
  let rows: TextRow[];
  let blanks: number[];

  const send = async (path: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<Answer> => {
    const response = await fetch(`${server.url}${path}`, { method: 'POST', headers, body });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
  const json = (path: string, body: unknown) =>
    send(path, JSON.stringify(body), { 'content-type': 'application/json' });

  const predict = async (version?: number): Promise<{ probability: number; label: number; id: string }[]> => {
    const answer = await json('/predict', { version, records: rows });
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    return answer.json.predictions as { probability: number; label: number; id: string }[];
  };
  const invocations = async (body: unknown, query = ''): Promise<number[]> => {
    const answer = await json(`/invocations${query}`, body);
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    return answer.json.predictions as number[];
  };
  const infer = async (path: string, body: string | Buffer, headers: Record<string, string> = {}) => {
    const answer = await send(path, body, typeof body === 'string' ? { 'content-type': 'application/json' } : headers);
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    return answer.json as { model_name: string; model_version: string; id?: string; outputs: V2Output[] };
  };
  const output = (outputs: V2Output[], name: string) => outputs.find((o) => o.name === name) as V2Output;

  before(async () => {
    fixture = await createFixture();
    table = await readTelco();
    ({ record: v1, model: v1Model } = await telcoVersion(fixture, table, 'telco', 1, 1));
    ({ record: v2 } = await telcoVersion(fixture, table, 'telco', 2, 7));
    blanks = (table.columns.TotalCharges ?? []).flatMap((cell, row) => (cell === '' ? [row] : []));
    assert.ok(blanks.length > 0, 'the Telco data has blank TotalCharges');
    rows = telcoRecords(table, [...Array.from({ length: 40 }, (_, i) => i), ...blanks]);
    home = await mkdtemp(join(tmpdir(), 'mlcycle-protocols-'));
    log = PredictionLogWriter.open(home, { flushIntervalMs: 60_000 });
    const source = new InMemorySource().add(v1).add(v2).setServing('telco', 1);
    server = await startScoringServer({
      host: '127.0.0.1',
      port: 0,
      source,
      predictionLog: log,
      refreshIntervalMs: 60_000,
    });
  });
  after(async () => {
    await server.close();
    log.close();
    await rm(home, { recursive: true, force: true });
    await fixture.cleanup();
  });

  it('answers the same probabilities for the same rows through /predict, every MLflow body and V2 in JSON and binary', async () => {
    const predicted = await predict();
    const probabilities = predicted.map((p) => p.probability);
    const reference = Array.from(predictProba(v1Model, encodeRecords(v1.spec, rows)));
    probabilities.forEach((p, i) => assert.ok(Math.abs(p - (reference[i] as number)) < 1e-5, `row ${i} vs float64`));

    const spec = v1.spec;
    assert.deepEqual(await invocations(dataframeSplit(spec, rows)), probabilities, 'dataframe_split');
    assert.deepEqual(await invocations({ dataframe_records: typedRecords(spec, rows) }), probabilities, 'records');
    assert.deepEqual(await invocations({ instances: rows }), probabilities, 'instances of text cells');
    assert.deepEqual(await invocations({ inputs: typedRecords(spec, rows) }), probabilities, 'inputs as records');
    assert.deepEqual(await invocations(columnarInputs(spec, rows)), probabilities, 'inputs as columns');
    const first40 = Array.from({ length: 40 }, (_, i) => i);
    const csv = await send('/invocations', telcoCsv(table, first40), { 'content-type': 'text/csv' });
    assert.equal(csv.status, 200);
    assert.deepEqual(csv.json.predictions, probabilities.slice(0, 40), 'text/csv');

    const inJson = await infer('/v2/models/telco/infer', JSON.stringify(v2Json(spec, rows, { id: 'req-7' })));
    assert.equal(inJson.model_name, 'telco');
    assert.equal(inJson.model_version, '1');
    assert.equal(inJson.id, 'req-7');
    assert.deepEqual(
      inJson.outputs.map((o) => [o.name, o.datatype, o.shape]),
      [
        ['probability', 'FP32', [rows.length]],
        ['label', 'INT64', [rows.length]],
        ['id', 'BYTES', [rows.length]],
      ],
    );
    assert.deepEqual(output(inJson.outputs, 'probability').data, probabilities, 'V2 JSON');
    assert.deepEqual(
      output(inJson.outputs, 'label').data,
      predicted.map((p) => p.label),
    );
    // tritonclient's default: JSON then binary tensors, and no Content-Type at all.
    const { body, jsonLength } = v2Binary(spec, rows);
    const inBinary = await infer('/v2/models/telco/infer', body, {
      'inference-header-content-length': `${jsonLength}`,
    });
    assert.deepEqual(output(inBinary.outputs, 'probability').data, probabilities, 'V2 binary');
  });

  it('answers any version by URL or body beside the serving one, and 404 for a version that does not exist', async () => {
    const spec = v2.spec;
    const servingAnswer = (await predict()).map((p) => p.probability);
    const fromPredict = (await predict(2)).map((p) => p.probability);
    assert.notDeepEqual(fromPredict, servingAnswer, 'the two versions answer differently');
    assert.deepEqual(await invocations(dataframeSplit(spec, rows), '?version=2'), fromPredict);
    assert.deepEqual(await invocations({ ...dataframeSplit(spec, rows), params: { version: 2 } }), fromPredict);
    const byUrl = await infer('/v2/models/telco/versions/2/infer', JSON.stringify(v2Json(spec, rows)));
    assert.equal(byUrl.model_version, '2');
    assert.deepEqual(output(byUrl.outputs, 'probability').data, fromPredict);
    assert.deepEqual(
      (await predict()).map((p) => p.probability),
      servingAnswer,
      'v1 still serves',
    );

    const admin = (await (await fetch(`${server.url}/admin/models`)).json()) as {
      models: { serving: number; loaded: { version: number; serving: boolean; onDemand: boolean }[] }[];
    };
    assert.equal(admin.models[0]?.serving, 1);
    assert.deepEqual(
      admin.models[0]?.loaded.map((l) => [l.version, l.serving, l.onDemand]),
      [
        [1, true, false],
        [2, false, true],
      ],
    );

    const unknown = [
      await json('/predict', { version: 3, records: rows }),
      await json('/invocations?version=3', dataframeSplit(spec, rows)),
      await json('/v2/models/telco/versions/3/infer', v2Json(spec, rows)),
      await json('/v2/models/nope/infer', v2Json(spec, rows)),
    ];
    for (const answer of unknown) {
      assert.equal(answer.status, 404);
      assert.match(answer.json.error as string, /"(telco|nope)"/);
    }
    for (const path of ['/v2/models/telco/versions/3', '/v2/models/telco/versions/3/ready', '/v2/models/nope/ready']) {
      assert.equal((await fetch(`${server.url}${path}`)).status, 404, path);
    }
  });

  it('logs what every protocol answered, as /predict does, under ids /feedback takes', async () => {
    log.flush();
    const reader = PredictionLogReader.open(home);
    try {
      const before = reader.readWindow('telco', { to: FAR_FUTURE }).rows;
      const few = rows.slice(0, 3).concat(rows.slice(-1));
      const csvText = telcoCsv(table, [0, 1, 2, blanks[0] as number]);
      await json('/invocations', dataframeSplit(v1.spec, few));
      await send('/invocations', csvText, { 'content-type': 'text/csv' });
      const v2answer = await infer('/v2/models/telco/infer', JSON.stringify(v2Json(v1.spec, few)));
      log.flush();
      const window = reader.readWindow('telco', { to: FAR_FUTURE });
      assert.equal(window.rows - before, few.length + 4 + few.length);
      // CSV cells are typed by the model's columns: numbers as numbers, a blank number as missing.
      const fromCsv = (name: string) => window.columns[name]?.slice(-(4 + few.length), -few.length);
      assert.deepEqual(fromCsv('tenure'), [1, 34, 2, 0]);
      assert.deepEqual(fromCsv('TotalCharges'), [29.85, 1889.5, 108.15, null]);
      assert.deepEqual(fromCsv('Contract'), ['Month-to-month', 'One year', 'Month-to-month', 'Two year']);

      const ids = output(v2answer.outputs, 'id').data as string[];
      const feedback = await json('/feedback', { labels: ids.map((id) => ({ id, label: 1 })) });
      assert.deepEqual(feedback.json, { accepted: few.length, unknown: [] });
    } finally {
      reader.close();
    }
  });
});
