import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { ErrorBody } from '../../contracts/http';
import { buildScoringApp } from '../../serving/app';
import { ModelPool } from '../../serving/model-pool';
import type { Fixture } from './helpers';
import { createFixture, InMemorySource, RECORDS, referenceProbabilities, SPEC } from './helpers';
import { v2Binary, v2Json, type TextRow } from './protocol-bodies';
import { rawRequest } from './raw-http';

const BODY_LIMIT = 4096;
/** The fixture records as text cells (blank numbers as ''), as a CSV holds them. */
const ROWS: TextRow[] = RECORDS.map((record) =>
  Object.fromEntries(SPEC.inputs.map(({ name }) => [name, cellText(record[name])])),
);

function cellText(value: unknown): string {
  return typeof value === 'number' || typeof value === 'string' ? String(value) : '';
}

interface Tensor {
  name: string;
  shape: unknown;
  datatype?: string;
  data?: unknown;
  parameters?: Record<string, unknown>;
}

/** The JSON request for all rows, with `change` applied to its inputs. */
function request(change: (inputs: Tensor[]) => Tensor[] = (inputs) => inputs, extra: Record<string, unknown> = {}) {
  const body = v2Json(SPEC, ROWS, extra) as { inputs: Tensor[] };
  return { ...body, inputs: change(body.inputs) };
}
const replace = (name: string, patch: Partial<Tensor>) => (inputs: Tensor[]) =>
  inputs.map((input) => (input.name === name ? { ...input, ...patch } : input));

interface Served {
  app: FastifyInstance;
  pool: ModelPool;
  url: string;
}

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

interface InferAnswer {
  model_name: string;
  model_version: string;
  id?: string;
  outputs: { name: string; datatype: string; shape: number[]; data: unknown[] }[];
}

describe('Open Inference Protocol (V2) over real HTTP', () => {
  let fixture: Fixture;
  let served: Served;

  before(async () => {
    fixture = await createFixture();
    served = await serve(fixture, 1);
  });
  after(async () => {
    await served.app.close();
    await served.pool.close();
    await fixture.cleanup();
  });

  const get = async (path: string) => {
    const response = await fetch(`${served.url}${path}`);
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${served.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
  const infer = async (body: unknown, path = '/v2/models/churn/infer') => {
    const answer = await post(path, body);
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    return answer.json as unknown as InferAnswer;
  };
  const probabilities = (answer: InferAnswer) => answer.outputs.find((o) => o.name === 'probability')?.data as number[];
  const assertReference = (got: number[], version: number) => {
    const expected = referenceProbabilities(version, RECORDS);
    assert.equal(got.length, expected.length);
    got.forEach((p, i) => assert.ok(Math.abs(p - (expected[i] as number)) < 1e-5, `row ${i}`));
  };

  it('is live, ready, and describes itself and each model version: one input per feature column', async () => {
    assert.deepEqual(await get('/v2/health/live'), { status: 200, json: { live: true } });
    assert.deepEqual(await get('/v2/health/ready'), { status: 200, json: { ready: true } });
    const server = await get('/v2');
    assert.equal(server.json.name, 'mlcycle');
    assert.deepEqual(server.json.extensions, ['binary_tensor_data']);
    const metadata = await get('/v2/models/churn');
    assert.deepEqual(metadata.json, {
      name: 'churn',
      versions: ['1', '2'],
      platform: 'onnxruntime_onnx',
      inputs: [
        { name: 'tenure', datatype: 'FP64', shape: [-1] },
        { name: 'Contract', datatype: 'BYTES', shape: [-1] },
        { name: 'MonthlyCharges', datatype: 'FP64', shape: [-1] },
        { name: 'InternetService', datatype: 'BYTES', shape: [-1] },
        { name: 'TotalCharges', datatype: 'FP64', shape: [-1] },
      ],
      outputs: [
        { name: 'probability', datatype: 'FP32', shape: [-1] },
        { name: 'label', datatype: 'INT64', shape: [-1] },
        { name: 'id', datatype: 'BYTES', shape: [-1] },
      ],
    });
    assert.deepEqual((await get('/v2/models/churn/versions/2')).json, metadata.json);
    assert.deepEqual(await get('/v2/models/churn/ready'), {
      status: 200,
      json: { name: 'churn', version: '1', ready: true },
    });
    assert.deepEqual(await get('/v2/models/churn/versions/2/ready'), {
      status: 200,
      json: { name: 'churn', version: '2', ready: true },
    });
  });

  it('answers 404 for an unknown model or version and 400 naming "version" for a malformed one', async () => {
    for (const path of [
      '/v2/models/nope',
      '/v2/models/nope/ready',
      '/v2/models/churn/versions/9',
      '/v2/models/churn/versions/9/ready',
    ]) {
      const answer = await get(path);
      assert.equal(answer.status, 404, path);
      assert.match(answer.json.error as string, /"(nope|churn)"/);
    }
    const malformed = await get('/v2/models/churn/versions/latest');
    assert.equal(malformed.status, 400);
    assert.equal((malformed.json as unknown as ErrorBody).details[0]?.field, 'version');
  });

  it('scores rows sent flat as [n] or nested as [n, 1], echoing the id, with the float64 reference within 1e-5', async () => {
    const nested = await infer(request(undefined, { id: 'abc' }));
    assert.equal(nested.model_name, 'churn');
    assert.equal(nested.model_version, '1');
    assert.equal(nested.id, 'abc');
    assertReference(probabilities(nested), 1);
    const flat = await infer(
      request((inputs) =>
        inputs.map((input) => ({ ...input, shape: [ROWS.length], data: (input.data as unknown[][]).flat() })),
      ),
    );
    assert.equal(flat.id, undefined);
    assert.deepEqual(probabilities(flat), probabilities(nested));
    const flatDataNestedShape = await infer(
      request((inputs) => inputs.map((input) => ({ ...input, data: (input.data as unknown[][]).flat() }))),
    );
    assert.deepEqual(probabilities(flatDataNestedShape), probabilities(nested));
    const labels = nested.outputs.find((o) => o.name === 'label')?.data;
    assert.deepEqual(labels, [0, 0, 1, 0, 0, 1]);
  });

  it('takes numbers as FP32 or integer types and numeric text as BYTES, null or NaN as missing', async () => {
    const typed = await infer(
      request((inputs) =>
        inputs.map((input) =>
          input.name === 'tenure'
            ? { ...input, datatype: 'INT32' }
            : input.name === 'MonthlyCharges'
              ? { ...input, datatype: 'FP32' }
              : input,
        ),
      ),
    );
    assertReference(probabilities(typed), 1);
    const asText = await infer(
      request(replace('TotalCharges', { datatype: 'BYTES', data: ROWS.map((row) => [row.TotalCharges]) })),
    );
    assertReference(probabilities(asText), 1);
  });

  it('reads a bare NaN in JSON data, as tritonclient writes a blank number, as missing', async () => {
    const text = JSON.stringify(request(replace('TotalCharges', { data: ROWS.map(() => ['__nan__']) }))).replace(
      /"__nan__"/g,
      'NaN',
    );
    const answer = await infer(text);
    const expected = referenceProbabilities(
      1,
      RECORDS.map((record) => ({ ...record, TotalCharges: null })),
    );
    probabilities(answer).forEach((p, i) => assert.ok(Math.abs(p - (expected[i] as number)) < 1e-5, `row ${i}`));
  });

  it('answers only the outputs asked for, in their order', async () => {
    const answer = await infer(
      request(undefined, { outputs: [{ name: 'label' }, { name: 'probability', parameters: { binary_data: false } }] }),
    );
    assert.deepEqual(
      answer.outputs.map((o) => o.name),
      ['label', 'probability'],
    );
  });

  it('answers a version named in the path with that version, leaving the serving one as it was', async () => {
    const answer = await infer(request(), '/v2/models/churn/versions/2/infer');
    assert.equal(answer.model_version, '2');
    assertReference(probabilities(answer), 2);
    assert.equal(served.pool.servingVersion('churn'), 1);
  });

  it('reads binary tensor data after the JSON, as tritonclient sends by default with no Content-Type', async () => {
    const { body, jsonLength } = v2Binary(SPEC, ROWS);
    const contentTypes: Record<string, string>[] = [{}, { 'content-type': 'application/octet-stream' }];
    for (const headers of contentTypes) {
      const answer = await rawRequest(`${served.url}/v2/models/churn/infer`, {
        headers: { ...headers, 'inference-header-content-length': jsonLength, 'content-length': body.length },
        chunks: [body],
      });
      assert.equal(answer.status, 200, answer.body);
      assertReference(probabilities(JSON.parse(answer.body) as InferAnswer), 1);
    }
  });

  const invalid: [string, unknown, number | null, string | null, RegExp][] = [
    [
      'a missing input',
      request((inputs) => inputs.filter((i) => i.name !== 'Contract')),
      null,
      'Contract',
      /missing input "Contract"/,
    ],
    [
      'an unknown input',
      request((inputs) => [...inputs, { ...(inputs[0] as Tensor), name: 'gender' }]),
      null,
      'gender',
      /"gender" is not a feature column/,
    ],
    ['an input given twice', request((inputs) => [...inputs, inputs[0] as Tensor]), null, 'tenure', /given twice/],
    [
      'a category sent as FP64',
      request(replace('Contract', { datatype: 'FP64' })),
      null,
      'Contract',
      /BYTES.*not "FP64"/,
    ],
    [
      'a number sent as BOOL',
      request(replace('tenure', { datatype: 'BOOL' })),
      null,
      'tenure',
      /numeric column.*not "BOOL"/,
    ],
    ['no datatype', request(replace('tenure', { datatype: undefined })), null, 'tenure', /no "datatype"/],
    ['a shape of two columns', request(replace('tenure', { shape: [3, 2] })), null, 'tenure', /shape \[3,2\]/],
    ['a shape of no rows', request(replace('tenure', { shape: [0], data: [] })), null, 'tenure', /no rows/],
    [
      'shapes that disagree between inputs',
      request(replace('Contract', { shape: [2, 1], data: [['One year'], ['Two year']] })),
      null,
      'Contract',
      /"Contract" has 2 rows but input "tenure" has 6/,
    ],
    [
      'data shorter than its shape',
      request(replace('tenure', { data: [[1], [2]] })),
      null,
      'tenure',
      /holds 2 values but its shape \[6,1\] says 6/,
    ],
    [
      'data nested deeper than its shape',
      request(replace('tenure', { data: ROWS.map(() => [[1]]) })),
      null,
      'tenure',
      /nested deeper/,
    ],
    ['no data', request(replace('tenure', { data: undefined })), null, 'tenure', /no "data"/],
    [
      'text in an FP64 input',
      request(replace('MonthlyCharges', { data: [[1], [2], ['cheap'], [4], [5], [6]] })),
      2,
      'MonthlyCharges',
      /element 2 is "cheap", not a number/,
    ],
    [
      'a number in a BYTES input',
      request(
        replace('Contract', { data: [['One year'], [2], ['One year'], ['One year'], ['One year'], ['One year']] }),
      ),
      1,
      'Contract',
      /element 1 is 2, not a string/,
    ],
    [
      'an unseen category',
      request(replace('Contract', { data: ROWS.map((_, i) => [i === 4 ? 'Weekly' : 'One year']) })),
      4,
      'Contract',
      /unseen category "Weekly"/,
    ],
    [
      'more rows than the limit',
      request((inputs) =>
        inputs.map((i) => ({
          ...i,
          shape: [9],
          data: Array.from({ length: 9 }, () => (i.data as unknown[][])[0]?.[0]),
        })),
      ),
      null,
      'tenure',
      /at most 8/,
    ],
    [
      'an unknown output',
      request(undefined, { outputs: [{ name: 'logit' }] }),
      null,
      'outputs[0]',
      /"logit"; the outputs are "probability", "label", "id"/,
    ],
    ['an id that is not a string', request(undefined, { id: 7 }), null, 'id', /"id" must be a string/],
    ['no inputs', { inputs: [] }, null, 'inputs', /non-empty list/],
    ['a body that is not an object', [1], null, null, /JSON object/],
  ];
  for (const [label, body, row, field, message] of invalid) {
    it(`answers 400 in the protocol's {"error"} shape naming the input for ${label}`, async () => {
      const answer = await post('/v2/models/churn/infer', body);
      assert.equal(answer.status, 400, JSON.stringify(answer.json));
      const { error, details } = answer.json as unknown as ErrorBody;
      assert.match(`${error} ${details[0]?.message}`, message);
      assert.equal(details[0]?.row, row, JSON.stringify(details));
      assert.equal(details[0]?.field, field, JSON.stringify(details));
    });
  }

  const badBinary: [string, (body: Buffer, jsonLength: number) => { body: Buffer; header: string }, RegExp][] = [
    [
      'a JSON length past the body',
      (body) => ({ body, header: String(body.length + 1) }),
      /inference-header-content-length/,
    ],
    ['a JSON length that is not a number', (body) => ({ body, header: 'ten' }), /inference-header-content-length/],
    [
      'bytes no input accounts for',
      (body, n) => ({ body: Buffer.concat([body, Buffer.alloc(3)]), header: String(n) }),
      /3 bytes of binary data/,
    ],
    [
      'binary data cut short',
      (body, n) => ({ body: body.subarray(0, body.length - 2), header: String(n) }),
      /bytes of binary data are left/,
    ],
  ];
  for (const [label, spoil, message] of badBinary) {
    it(`answers 400 for binary tensor data with ${label}`, async () => {
      const { body, jsonLength } = v2Binary(SPEC, ROWS);
      const spoiled = spoil(body, jsonLength);
      const answer = await rawRequest(`${served.url}/v2/models/churn/infer`, {
        headers: { 'inference-header-content-length': spoiled.header, 'content-length': spoiled.body.length },
        chunks: [spoiled.body],
      });
      assert.equal(answer.status, 400, answer.body);
      assert.match((JSON.parse(answer.body) as ErrorBody).error, message);
    });
  }

  it('answers 400 naming the input for a BYTES tensor whose lengths run past its data', async () => {
    const json = Buffer.from(
      JSON.stringify({
        inputs: [{ name: 'Contract', shape: [1], datatype: 'BYTES', parameters: { binary_data_size: 6 } }],
      }),
    );
    const bytes = Buffer.alloc(6);
    bytes.writeUInt32LE(9);
    const answer = await rawRequest(`${served.url}/v2/models/churn/infer`, {
      headers: { 'inference-header-content-length': json.length, 'content-type': 'application/octet-stream' },
      chunks: [Buffer.concat([json, bytes])],
    });
    assert.equal(answer.status, 400);
    assert.match((JSON.parse(answer.body) as ErrorBody).error, /input "Contract": BYTES element 0 says 9 bytes/);
  });

  it('answers 404 for inference on an unknown model or version', async () => {
    for (const path of [
      '/v2/models/nope/infer',
      '/v2/models/churn/versions/9/infer',
      '/v2/models/nope/versions/1/infer',
    ]) {
      const answer = await post(path, request());
      assert.equal(answer.status, 404, path);
    }
  });

  it('answers 415 for a Content-Type that is neither JSON nor binary, before reading the body', async () => {
    const answer = await post('/v2/models/churn/infer', JSON.stringify(request()), { 'content-type': 'text/csv' });
    assert.equal(answer.status, 415);
    assert.match(answer.json.error as string, /application\/json/);
  });

  it('refuses a body over the limit with 413 before reading it, with a Content-Length or chunked', async () => {
    const announced = await rawRequest(`${served.url}/v2/models/churn/infer`, {
      headers: { 'content-type': 'application/json', 'content-length': 1_000_000 },
      chunks: ['{"inputs"'],
      end: false,
    });
    assert.equal(announced.status, 413);
    const chunk = Buffer.alloc(2000, 'x');
    const chunked = await rawRequest(`${served.url}/v2/models/churn/infer`, {
      headers: { 'transfer-encoding': 'chunked', 'inference-header-content-length': 10 },
      chunks: [chunk, chunk, chunk],
    });
    assert.equal(chunked.status, 413);
  });
});

describe('Open Inference Protocol (V2) with no model served', () => {
  it('is live but not ready, and answers inference with 503', async () => {
    const fixture = await createFixture();
    const served = await serve(fixture, undefined);
    try {
      assert.equal((await fetch(`${served.url}/v2/health/live`)).status, 200);
      assert.equal((await fetch(`${served.url}/v2/health/ready`)).status, 503);
      const response = await fetch(`${served.url}/v2/models/churn/infer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request()),
      });
      assert.equal(response.status, 503);
      assert.match(((await response.json()) as ErrorBody).error, /No model is loaded/);
    } finally {
      await served.app.close();
      await served.pool.close();
      await fixture.cleanup();
    }
  });
});
