import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkOnnxMatches } from '../../models/onnx-check';
import { exportLogisticToOnnx } from '../../models/onnx-export';
import { OnnxScorer } from '../../models/onnx-scorer';
import { ModelCheckError } from '../../core/errors';
import { largeFixture, referenceProbabilities, smallModel, smallRecords, smallSpec } from './onnx-fixture';

const meta = { modelName: 'churn', producerVersion: '0.1.0' };

describe('checkOnnxMatches', () => {
  let scorer: OnnxScorer;
  const expected = referenceProbabilities(smallSpec, smallModel, smallRecords);

  before(async () => {
    scorer = await OnnxScorer.fromBytes(exportLogisticToOnnx(smallSpec, smallModel, meta));
  });
  after(async () => {
    await scorer.release();
  });

  it('passes and reports rows and the largest difference when the export reproduces the model', async () => {
    const result = await checkOnnxMatches(scorer, smallSpec.inputs, smallRecords, expected);
    assert.equal(result.rows, smallRecords.length);
    assert.ok(result.maxAbsDiff >= 0 && result.maxAbsDiff < 1e-6, `max diff ${result.maxAbsDiff}`);
  });

  it('fails with the differing rows, their values and the worst one when probabilities disagree', async () => {
    const wrong = Float64Array.from(expected);
    wrong[1] = (wrong[1] as number) + 0.01;
    wrong[3] = (wrong[3] as number) - 0.2;
    await assert.rejects(checkOnnxMatches(scorer, smallSpec.inputs, smallRecords, wrong), (error: unknown) => {
      assert.ok(error instanceof ModelCheckError);
      assert.equal(error.name, 'ModelCheckError');
      assert.match(error.message, /on 2 of 5 rows/);
      assert.match(error.message, /worst is row 3/);
      assert.deepEqual(
        error.mismatches.map((m) => m.row),
        [1, 3],
      );
      const [first] = error.mismatches;
      assert.equal(first?.expected, wrong[1]);
      assert.ok(Math.abs((first?.actual ?? NaN) - (expected[1] as number)) < 1e-6);
      return true;
    });
  });

  it('fails on a difference just above the tolerance and passes it with a looser one', async () => {
    const shifted = expected.map((p) => p + 2e-5);
    await assert.rejects(checkOnnxMatches(scorer, smallSpec.inputs, smallRecords, shifted), ModelCheckError);
    const result = await checkOnnxMatches(scorer, smallSpec.inputs, smallRecords, shifted, 1e-4);
    assert.ok(result.maxAbsDiff > 1e-5);
  });

  it('treats a NaN expectation as a mismatch rather than a pass', async () => {
    const withNaN = Float64Array.from(expected);
    withNaN[0] = NaN;
    await assert.rejects(checkOnnxMatches(scorer, smallSpec.inputs, smallRecords, withNaN), ModelCheckError);
  });

  it('fails when the number of expected probabilities differs from the records', async () => {
    await assert.rejects(
      checkOnnxMatches(scorer, smallSpec.inputs, smallRecords, expected.slice(1)),
      (error: unknown) => error instanceof ModelCheckError && /5 probabilities for 4 expected/.test(error.message),
    );
  });

  it('lists at most 20 mismatches while counting all of them', async () => {
    const { spec, model, records } = largeFixture(3, 100);
    const wide = await OnnxScorer.fromBytes(exportLogisticToOnnx(spec, model, meta));
    try {
      const flipped = referenceProbabilities(spec, model, records).map((p) => p + 0.5);
      await assert.rejects(checkOnnxMatches(wide, spec.inputs, records, flipped), (error: unknown) => {
        assert.ok(error instanceof ModelCheckError);
        assert.match(error.message, /on 100 of 100 rows/);
        assert.equal(error.mismatches.length, 20);
        return true;
      });
    } finally {
      await wide.release();
    }
  });
});
