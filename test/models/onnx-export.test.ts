import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { onnx } from 'onnx-proto';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { exportLogisticToOnnx } from '../../models/onnx-export';
import type { FeatureSpec, LogisticModel, RawRecord } from '../../models/types';
import { InvalidInputError } from '../../core/errors';
import { largeFixture, maxAbsDiff, referenceProbabilities, smallModel, smallRecords, smallSpec } from './onnx-fixture';

const meta = { modelName: 'churn', version: 7, producerVersion: '0.1.0', description: 'test model' };

/** Runs the exported bytes in a fresh session with hand-built feeds (independent of OnnxScorer). */
async function runExport(spec: FeatureSpec, model: LogisticModel, records: RawRecord[]): Promise<Tensor> {
  const session = await InferenceSession.create(exportLogisticToOnnx(spec, model, meta));
  try {
    const feeds: Record<string, Tensor> = {};
    for (const input of spec.inputs) {
      const cells = records.map((r) => r[input.name]);
      feeds[input.name] =
        input.kind === 'numeric'
          ? new Tensor(
              'float32',
              Float32Array.from(cells, (v) => (typeof v === 'number' ? v : NaN)),
              [cells.length, 1],
            )
          : new Tensor(
              'string',
              cells.map((v) => (typeof v === 'string' ? v : '')),
              [cells.length, 1],
            );
    }
    const output = (await session.run(feeds)).probability;
    assert.ok(output, 'the model has a probability output');
    return output;
  } finally {
    await session.release();
  }
}

describe('exportLogisticToOnnx', () => {
  it('reproduces the float64 reference probabilities within 1e-6, a missing numeric imputed', async () => {
    const output = await runExport(smallSpec, smallModel, smallRecords);
    assert.equal(output.type, 'float32');
    assert.deepEqual(output.dims, [smallRecords.length, 1]);
    const expected = referenceProbabilities(smallSpec, smallModel, smallRecords);
    assert.ok(
      maxAbsDiff(output.data as Float32Array, expected) < 1e-6,
      `max diff ${maxAbsDiff(output.data as Float32Array, expected)}`,
    );
  });

  it('scores an unseen category like an all-zero one-hot block', async () => {
    const record = { Contract: 'Three year', tenure: 12, 'Payment Method (auto)': 'card', 'Monthly/Charges': 50 };
    const [actual] = (await runExport(smallSpec, smallModel, [record])).data as Float32Array;
    // Written out by hand: the Contract block adds nothing, 'card' adds its weight (-0.3).
    const logit = smallModel.intercept - 0.9 * ((12 - 32.4) / 24.5) + 0.45 * ((50 - 64.76) / 30.09) - 0.3;
    assert.ok(Math.abs((actual as number) - 1 / (1 + Math.exp(-logit))) < 1e-6);
    const [withKnown] = (await runExport(smallSpec, smallModel, [{ ...record, Contract: 'Two year' }]))
      .data as Float32Array;
    assert.notEqual(actual, withKnown, 'the test would notice an unseen value being mapped to a level');
  });

  it('declares one input per column in spec order, typed by kind, and a plain probability tensor output', async () => {
    const session = await InferenceSession.create(exportLogisticToOnnx(smallSpec, smallModel, meta));
    try {
      assert.deepEqual(session.inputNames, ['Contract', 'tenure', 'Payment Method (auto)', 'Monthly/Charges']);
      assert.deepEqual(session.outputNames, ['probability']);
    } finally {
      await session.release();
    }
    const graph = onnx.ModelProto.decode(exportLogisticToOnnx(smallSpec, smallModel, meta)).graph;
    const elemTypes = (graph?.input ?? []).map((input) => input.type?.tensorType?.elemType);
    assert.deepEqual(elemTypes, [
      onnx.TensorProto.DataType.STRING,
      onnx.TensorProto.DataType.FLOAT,
      onnx.TensorProto.DataType.STRING,
      onnx.TensorProto.DataType.FLOAT,
    ]);
    const output = graph?.output?.[0]?.type?.tensorType;
    assert.equal(output?.elemType, onnx.TensorProto.DataType.FLOAT);
    assert.deepEqual(
      (output?.shape?.dim ?? []).map((d) => d.dimParam || Number(d.dimValue)),
      ['N', 1],
    );
  });

  it('records producer, model name, version and the input columns in the model metadata', () => {
    const model = onnx.ModelProto.decode(exportLogisticToOnnx(smallSpec, smallModel, meta));
    assert.equal(model.producerName, 'mlcycle');
    assert.equal(model.producerVersion, '0.1.0');
    assert.equal(Number(model.modelVersion), 7);
    assert.equal(model.docString, 'test model');
    const props = new Map(model.metadataProps.map((p) => [p.key, p.value]));
    assert.equal(props.get('modelName'), 'churn');
    assert.equal(props.get('modelVersion'), '7');
    assert.deepEqual(JSON.parse(props.get('inputs') ?? 'null'), smallSpec.inputs);
  });

  it('exports a spec without numeric columns', async () => {
    const spec: FeatureSpec = {
      ...smallSpec,
      inputs: smallSpec.inputs.filter((i) => i.kind === 'categorical'),
      numeric: [],
    };
    const model = { weights: smallModel.weights.slice(2), intercept: 0.4 };
    const output = await runExport(spec, model, smallRecords);
    assert.ok(maxAbsDiff(output.data as Float32Array, referenceProbabilities(spec, model, smallRecords)) < 1e-6);
  });

  it('exports a spec without categorical columns', async () => {
    const spec: FeatureSpec = {
      ...smallSpec,
      inputs: smallSpec.inputs.filter((i) => i.kind === 'numeric'),
      categorical: [],
    };
    const model = { weights: smallModel.weights.slice(0, 2), intercept: 0.4 };
    const output = await runExport(spec, model, smallRecords);
    assert.ok(maxAbsDiff(output.data as Float32Array, referenceProbabilities(spec, model, smallRecords)) < 1e-6);
  });

  it('exports a categorical with a single level and skips one with no levels', async () => {
    const spec: FeatureSpec = {
      inputs: [
        { name: 'only', kind: 'categorical' },
        { name: 'empty', kind: 'categorical' },
        { name: 'x', kind: 'numeric' },
      ],
      numeric: [{ name: 'x', impute: 1, mean: 0.5, std: 2 }],
      categorical: [
        { name: 'only', levels: ['yes'] },
        { name: 'empty', levels: [] },
      ],
    };
    const model = { weights: [0.7, -1.3], intercept: 0.2 };
    const records = [
      { only: 'yes', empty: 'a', x: 3 },
      { only: 'no', empty: null, x: null },
      { only: null, x: -1 },
    ];
    const output = await runExport(spec, model, records);
    assert.ok(maxAbsDiff(output.data as Float32Array, referenceProbabilities(spec, model, records)) < 1e-6);
  });

  it('keeps column names that look like internal tensor names apart from them', async () => {
    const spec: FeatureSpec = {
      inputs: [
        { name: 'mlc0_numeric_raw', kind: 'numeric' },
        { name: 'mlc1_numeric_double', kind: 'numeric' },
        { name: 'mlc7_mlc2_onehot', kind: 'categorical' },
      ],
      numeric: [
        { name: 'mlc0_numeric_raw', impute: 0, mean: 1, std: 2 },
        { name: 'mlc1_numeric_double', impute: 5, mean: 4, std: 3 },
      ],
      categorical: [{ name: 'mlc7_mlc2_onehot', levels: ['a', 'b'] }],
    };
    const model = { weights: [1, -2, 0.5, -0.5], intercept: 0 };
    const records = [{ mlc0_numeric_raw: 2, mlc1_numeric_double: null, mlc7_mlc2_onehot: 'b' }];
    const output = await runExport(spec, model, records);
    assert.ok(maxAbsDiff(output.data as Float32Array, referenceProbabilities(spec, model, records)) < 1e-6);
  });

  it('stays within 1e-5 of float64 on 2,000 random rows of a 46-weight spec with numerics around 8000', async () => {
    const { spec, model, records } = largeFixture(20240611, 2000);
    assert.equal(model.weights.length, 46);
    const output = await runExport(spec, model, records);
    const diff = maxAbsDiff(output.data as Float32Array, referenceProbabilities(spec, model, records));
    console.log(`# large spec: max |onnx - float64| over ${records.length} rows = ${diff.toExponential(2)}`);
    assert.ok(diff < 1e-5, `max diff ${diff}`);
  });

  it('refuses a model whose weights do not match the design width', () => {
    assert.throws(
      () => exportLogisticToOnnx(smallSpec, { weights: [1, 2], intercept: 0 }, meta),
      (error: unknown) =>
        error instanceof InvalidInputError && /2 weights but the spec has 8 columns/.test(error.message),
    );
  });

  it('refuses a feature without a matching input column and a column named like the output', () => {
    const missing = { ...smallSpec, inputs: smallSpec.inputs.slice(1) };
    assert.throws(() => exportLogisticToOnnx(missing, smallModel, meta), InvalidInputError);
    const clash: FeatureSpec = {
      inputs: [{ name: 'probability', kind: 'numeric' }],
      numeric: [{ name: 'probability', impute: 0, mean: 0, std: 1 }],
      categorical: [],
    };
    assert.throws(() => exportLogisticToOnnx(clash, { weights: [1], intercept: 0 }, meta), InvalidInputError);
  });
});
