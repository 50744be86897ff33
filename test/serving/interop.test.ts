import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RawTable } from '../../models/types';
import type { ModelVersionRecord } from '../../registry/types';
import { startScoringServer, type ScoringServer } from '../../serving/server';
import { runPythonJsonAsync } from '../helpers/python';
import type { Fixture } from './helpers';
import { createFixture, InMemorySource } from './helpers';
import { readTelco, telcoCsv, telcoRecords, telcoVersion } from './telco-model';

interface TritonAnswer {
  model_version: string;
  probability: number[];
  probability_dtype: string;
  label: number[];
}

interface TritonRun {
  live: boolean;
  ready: boolean;
  model_ready: boolean;
  metadata: { name: string; versions: string[]; inputs: { name: string; datatype: string }[] };
  binary: TritonAnswer;
  json: TritonAnswer;
  versioned: TritonAnswer;
  error: { status: string; message: string } | null;
}

interface MlflowRun {
  client: 'mlflow' | 'documented format';
  predictions: Record<string, number[]>;
}

describe('clients we did not write, over real HTTP, on real Telco rows', () => {
  let fixture: Fixture;
  let table: RawTable;
  let v1: ModelVersionRecord;
  let server: ScoringServer;
  /** The first 30 rows and the rows with a blank TotalCharges. */
  let rows: number[];

  const predict = async (version?: number) => {
    const response = await fetch(`${server.url}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ version, records: telcoRecords(table, rows) }),
    });
    assert.equal(response.status, 200);
    return ((await response.json()) as { predictions: { probability: number; label: number }[] }).predictions;
  };

  before(async () => {
    fixture = await createFixture();
    table = await readTelco();
    ({ record: v1 } = await telcoVersion(fixture, table, 'telco', 1, 1));
    const { record: v2 } = await telcoVersion(fixture, table, 'telco', 2, 7);
    const blanks = (table.columns.TotalCharges ?? []).flatMap((cell, row) => (cell === '' ? [row] : []));
    rows = [...Array.from({ length: 30 }, (_, i) => i), ...blanks];
    const source = new InMemorySource().add(v1).add(v2).setServing('telco', 1);
    server = await startScoringServer({ host: '127.0.0.1', port: 0, source, refreshIntervalMs: 60_000 });
  });
  after(async () => {
    await server.close();
    await fixture.cleanup();
  });

  it('tritonclient.http reads the V2 metadata, infers in binary and JSON tensors and a pinned version, as /predict answers', async () => {
    const predicted = await predict();
    const run = await runPythonJsonAsync<TritonRun>('v2_tritonclient.py', {
      url: server.url.replace('http://', ''),
      model: 'telco',
      version: '2',
      csv: telcoCsv(table, rows),
    });
    assert.deepEqual([run.live, run.ready, run.model_ready], [true, true, true]);
    assert.deepEqual(run.metadata.versions, ['1', '2']);
    assert.deepEqual(
      run.metadata.inputs.map((input) => input.name),
      v1.spec.inputs.map((input) => input.name),
    );
    assert.equal(run.binary.model_version, '1');
    assert.equal(run.binary.probability_dtype, 'float32');
    assert.deepEqual(
      run.binary.probability,
      predicted.map((p) => p.probability),
    );
    assert.deepEqual(
      run.binary.label,
      predicted.map((p) => p.label),
    );
    assert.deepEqual(run.json, run.binary, 'JSON tensors, NaN for a blank number, answer as binary ones');
    assert.equal(run.versioned.model_version, '2');
    assert.deepEqual(
      run.versioned.probability,
      (await predict(2)).map((p) => p.probability),
    );
    assert.equal(run.error?.status, '400');
    assert.match(run.error?.message ?? '', /input "gender" is a category column: its datatype is BYTES/);
  });

  it("MLflow's scoring client (or its documented request format), pandas' split and records, and CSV get /predict's probabilities", async (t) => {
    const predicted = (await predict()).map((p) => p.probability);
    const run = await runPythonJsonAsync<MlflowRun>('mlflow_invocations.py', {
      url: server.url,
      csv: telcoCsv(table, rows),
    });
    t.diagnostic(`MLflow request sent by: ${run.client}`);
    assert.deepEqual(Object.keys(run.predictions).sort(), [
      'csv',
      'dataframe_records',
      'mlflow_client',
      'to_json_split',
    ]);
    for (const [format, probabilities] of Object.entries(run.predictions)) {
      assert.deepEqual(probabilities, predicted, `${format} (${run.client})`);
    }
  });
});
