import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';
import { InvalidInputError } from '../../core/errors';
import type { TrainedModelFile } from '../../activities/model-files';
import type { FeatureSpec, LogisticModel } from '../types';

// The logistic model as PMML 4.4, preprocessing included, so a PMML evaluator given raw columns gives
// the probabilities the ONNX graph gives:
//
//   MiningSchema        numeric blank/invalid → the training median (missingValueReplacement);
//                       categorical blank/absent → the level "" (a CSV's blank cell); any value is valid
//                       (invalidValueTreatment asIs), so an unseen category matches no predictor and
//                       adds nothing: the all-zero one-hot of the ONNX graph (OneHotEncoder zeros=1).
//   LocalTransformations (x - mean) / std per numeric column (Apply, exact in double; NormContinuous
//                       would carry the same numbers as two interpolation points).
//   RegressionTable     intercept + Σ coefficient·standardised + Σ coefficient·[column = level]
//                       (CategoricalPredictor is RegressionModel's own one-hot), normalised by logit.
//
// Numbers are written with JavaScript's shortest round-trip form, so every double reads back exactly.

export const PMML_NAMESPACE = 'http://www.dmg.org/PMML-4_4';
export const PMML_PROBABILITY_FIELD = 'probability';

export interface PmmlExportMeta {
  modelName: string;
  version?: number;
  /** The target column and its labels: PMML names the classes the probability is about. */
  target: string;
  positiveLabel: string;
  /** The other class's label; PMML needs a name for it (default `not <positiveLabel>`). */
  negativeLabel?: string;
  producerVersion?: string;
}

/** PMML was asked of a model it cannot represent faithfully (a tree ensemble, a calibrated version). */
export class PmmlUnsupportedError extends InvalidInputError {}

/** PMML 4.4 text of a trained logistic model file, or a PmmlUnsupportedError saying why it cannot be. */
export function exportLogisticToPmml(file: TrainedModelFile, meta: PmmlExportMeta): string {
  const algorithm: string = file.algorithm;
  if (algorithm !== 'logistic') {
    throw new PmmlUnsupportedError(`PMML export covers logistic models only; this version is "${algorithm}"`);
  }
  // Refused rather than approximated: PMML's RegressionModel has no place for a calibration map after
  // its normalisation, and a file whose probabilities differ from the served ones would mislead.
  const calibration = (file as { calibration?: { method?: string } }).calibration;
  if (calibration !== undefined && calibration.method !== 'none') {
    throw new PmmlUnsupportedError(
      `PMML export is not available for calibrated versions (this one uses ${calibration.method ?? 'a'} calibration): ` +
        'use the ONNX file, which includes the calibration',
    );
  }
  const model: unknown = file.model;
  if (!isLogisticModel(model)) throw new PmmlUnsupportedError('The model file holds no logistic weights and intercept');
  return logisticPmml(file.spec, model, meta);
}

function isLogisticModel(model: unknown): model is LogisticModel {
  if (typeof model !== 'object' || model === null) return false;
  const { weights, intercept } = model as Partial<LogisticModel>;
  return Array.isArray(weights) && typeof intercept === 'number';
}

function logisticPmml(spec: FeatureSpec, model: LogisticModel, meta: PmmlExportMeta): string {
  const negativeLabel = meta.negativeLabel ?? `not ${meta.positiveLabel}`;
  validate(spec, model, meta, negativeLabel);
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(PMML_NAMESPACE, 'PMML', { version: '4.4' });
  const header = root.ele('Header', {
    description: `logistic regression of ${meta.target} = ${meta.positiveLabel} on ${spec.inputs.length} raw columns`,
  });
  header.ele('Application', { name: 'mlcycle', ...(meta.producerVersion ? { version: meta.producerVersion } : {}) });

  const used = new Set([...spec.numeric.map((f) => f.name), ...spec.categorical.map((f) => f.name)]);
  const inputs = spec.inputs.filter((input) => used.has(input.name));
  const dictionary = root.ele('DataDictionary', { numberOfFields: inputs.length + 1 });
  for (const input of inputs) {
    dictionary.ele('DataField', {
      name: input.name,
      optype: input.kind === 'numeric' ? 'continuous' : 'categorical',
      dataType: input.kind === 'numeric' ? 'double' : 'string',
    });
  }
  const targetField = dictionary.ele('DataField', { name: meta.target, optype: 'categorical', dataType: 'string' });
  targetField.ele('Value', { value: meta.positiveLabel });
  targetField.ele('Value', { value: negativeLabel });

  const regression = root.ele('RegressionModel', {
    modelName: meta.version === undefined ? meta.modelName : `${meta.modelName} v${meta.version}`,
    functionName: 'classification',
    normalizationMethod: 'logit',
  });
  miningSchema(regression, spec, meta.target);
  regression.ele('Output').ele('OutputField', {
    name: PMML_PROBABILITY_FIELD,
    optype: 'continuous',
    dataType: 'double',
    feature: 'probability',
    value: meta.positiveLabel,
  });
  const standardised = standardisedNames(spec, [...used, meta.target, PMML_PROBABILITY_FIELD]);
  if (spec.numeric.length > 0) {
    const transformations = regression.ele('LocalTransformations');
    spec.numeric.forEach((f, i) => {
      const derived = transformations.ele('DerivedField', {
        name: standardised[i] as string,
        optype: 'continuous',
        dataType: 'double',
      });
      const divide = derived.ele('Apply', { function: '/' });
      const subtract = divide.ele('Apply', { function: '-' });
      subtract.ele('FieldRef', { field: f.name });
      subtract.ele('Constant', { dataType: 'double' }).txt(number(f.mean));
      divide.ele('Constant', { dataType: 'double' }).txt(number(f.std));
    });
  }
  const table = regression.ele('RegressionTable', {
    targetCategory: meta.positiveLabel,
    intercept: number(model.intercept),
  });
  let column = 0;
  spec.numeric.forEach((_, i) => {
    table.ele('NumericPredictor', { name: standardised[i] as string, coefficient: number(weight(model, column++)) });
  });
  for (const f of spec.categorical) {
    for (const level of f.levels) {
      table.ele('CategoricalPredictor', { name: f.name, value: level, coefficient: number(weight(model, column++)) });
    }
  }
  regression.ele('RegressionTable', { targetCategory: negativeLabel, intercept: '0' });
  return root.end({ prettyPrint: true });
}

function miningSchema(regression: XMLBuilder, spec: FeatureSpec, target: string): void {
  const schema = regression.ele('MiningSchema');
  schema.ele('MiningField', { name: target, usageType: 'target' });
  for (const f of spec.numeric) {
    // A non-numeric cell is missing to the trainer too (parseNumeric gives NaN), so both get the median.
    schema.ele('MiningField', {
      name: f.name,
      missingValueReplacement: number(f.impute),
      invalidValueTreatment: 'asMissing',
    });
  }
  for (const f of spec.categorical) {
    schema.ele('MiningField', { name: f.name, missingValueReplacement: '', invalidValueTreatment: 'asIs' });
  }
}

/** Names of the standardised numerics, e.g. `standardised(tenure)`, kept clear of every other field name. */
function standardisedNames(spec: FeatureSpec, taken: string[]): string[] {
  const names = new Set(taken);
  return spec.numeric.map((f) => {
    let candidate = `standardised(${f.name})`;
    for (let n = 2; names.has(candidate); n++) candidate = `standardised(${f.name})#${n}`;
    names.add(candidate);
    return candidate;
  });
}

function weight(model: LogisticModel, column: number): number {
  return model.weights[column] as number;
}

/** Shortest text that reads back as the same double. */
function number(value: number): string {
  return String(value);
}

function validate(spec: FeatureSpec, model: LogisticModel, meta: PmmlExportMeta, negativeLabel: string): void {
  const width = spec.numeric.length + spec.categorical.reduce((sum, f) => sum + f.levels.length, 0);
  if (model.weights.length !== width) {
    throw new InvalidInputError(`The model has ${model.weights.length} weights but the spec has ${width} columns`);
  }
  if (![...model.weights, model.intercept].every(Number.isFinite)) {
    throw new InvalidInputError('The model has a non-finite weight or intercept');
  }
  for (const f of spec.numeric) {
    if (![f.impute, f.mean, f.std].every(Number.isFinite) || f.std === 0) {
      throw new InvalidInputError(`Numeric feature "${f.name}" needs finite impute/mean and a finite non-zero std`);
    }
  }
  const fields = [...spec.inputs.map((input) => input.name)];
  if (new Set(fields).size !== fields.length) throw new InvalidInputError('An input column is listed twice');
  if (fields.includes(meta.target)) {
    throw new InvalidInputError(`The target "${meta.target}" is also an input column`);
  }
  if (meta.positiveLabel === negativeLabel) {
    throw new InvalidInputError(`The positive and negative labels are both "${negativeLabel}"`);
  }
}
