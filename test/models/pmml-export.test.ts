import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TrainedModelFile } from '../../activities/model-files';
import { InvalidInputError } from '../../core/errors';
import { exportLogisticToPmml } from '../../models/pmml';

const file: TrainedModelFile = {
  modelName: 'm',
  algorithm: 'logistic',
  spec: {
    inputs: [
      { name: 'tenure', kind: 'numeric' },
      { name: 'standardised(tenure)', kind: 'numeric' },
      { name: 'plan', kind: 'categorical' },
    ],
    numeric: [
      { name: 'tenure', impute: 29, mean: 32.5, std: 24.1 },
      { name: 'standardised(tenure)', impute: 0, mean: 0, std: 1 },
    ],
    categorical: [{ name: 'plan', levels: ['', 'a & b', 'c<d'] }],
  },
  model: { weights: [0.5, -0.25, 0.1, 1e-7, -3], intercept: -1.5 },
  threshold: 0.5,
  metrics: {} as TrainedModelFile['metrics'],
  validationMetrics: {} as TrainedModelFile['metrics'],
  params: {},
};
const meta = { modelName: 'm', version: 3, target: 'Churn', positiveLabel: 'Yes', negativeLabel: 'No' };

describe('exportLogisticToPmml', () => {
  const text = exportLogisticToPmml(file, meta);

  test('writes a PMML 4.4 RegressionModel for classification normalised by logit, with the probability of the positive label', () => {
    assert.match(text, /<PMML xmlns="http:\/\/www\.dmg\.org\/PMML-4_4" version="4\.4">/);
    assert.match(text, /<RegressionModel modelName="m v3" functionName="classification" normalizationMethod="logit">/);
    assert.match(
      text,
      /<OutputField name="probability" optype="continuous" dataType="double" feature="probability" value="Yes"\/>/,
    );
    assert.match(text, /<RegressionTable targetCategory="Yes" intercept="-1.5">/);
    assert.match(text, /<RegressionTable targetCategory="No" intercept="0"\/>/);
  });

  test('imputes numerics with the training median and lets any category through, blank as the level ""', () => {
    assert.match(text, /<MiningField name="tenure" missingValueReplacement="29" invalidValueTreatment="asMissing"\/>/);
    assert.match(text, /<MiningField name="plan" missingValueReplacement="" invalidValueTreatment="asIs"\/>/);
    assert.match(text, /<CategoricalPredictor name="plan" value="" coefficient="0.1"\/>/);
  });

  test('escapes levels, writes doubles exactly, and keeps derived names clear of a column with the same name', () => {
    assert.match(text, /value="a &amp; b" coefficient="1e-7"/);
    assert.match(text, /value="c&lt;d" coefficient="-3"/);
    assert.match(text, /<DerivedField name="standardised\(tenure\)#2"/);
    assert.match(text, /<NumericPredictor name="standardised\(tenure\)#2" coefficient="0.5"\/>/);
    assert.match(text, /<FieldRef field="tenure"\/>\s*<Constant dataType="double">32.5<\/Constant>/);
  });

  test('with a calibration, the regression probability feeds a transformed `probability`', () => {
    const platt = exportLogisticToPmml({ ...file, calibration: { method: 'platt', a: 0.7, b: 0.3, rows: 10 } }, meta);
    assert.match(platt, /<OutputField name="uncalibratedProbability" [^>]*feature="probability" value="Yes"\/>/);
    assert.match(
      platt,
      /<OutputField name="probability" optype="continuous" dataType="double" feature="transformedValue">/,
    );
    assert.match(platt, /<Constant dataType="double">0.999999999999999<\/Constant>/);
    const isotonic = exportLogisticToPmml(
      { ...file, calibration: { method: 'isotonic', x: [0.1, 0.5], y: [0.05, 0.6], rows: 10 } },
      meta,
    );
    assert.match(isotonic, /<NormContinuous field="uncalibratedProbability" outliers="asExtremeValues">/);
    assert.match(isotonic, /<LinearNorm orig="0.1" norm="0.05"\/>\s*<LinearNorm orig="0.5" norm="0.6"\/>/);
  });

  test('refuses a model that is not logistic regression, naming its algorithm', () => {
    const gbdt = { ...file, algorithm: 'gbdt' } as unknown as TrainedModelFile;
    assert.throws(() => exportLogisticToPmml(gbdt, meta), /logistic models only; this version is "gbdt"/);
  });

  test('refuses weights that do not match the spec and a target that is also an input', () => {
    assert.throws(
      () => exportLogisticToPmml({ ...file, model: { weights: [1], intercept: 0 } }, meta),
      (error) => error instanceof InvalidInputError && /1 weights but the spec has 5 columns/.test(error.message),
    );
    assert.throws(() => exportLogisticToPmml(file, { ...meta, target: 'plan' }), /target "plan" is also an input/);
  });
});
