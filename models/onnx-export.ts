import { onnx } from 'onnx-proto';
import { InvalidInputError } from '../core/errors';
import type { Calibration } from './calibration';
import { appendCalibration } from './onnx-calibration';
import type { FeatureSpec, LogisticModel, NumericFeature } from './types';

// Builds the ONNX graph of a fitted logistic model, preprocessing included, so a served artifact
// needs nothing but raw columns. Graph:
//
//   numeric inputs ─ Concat ─ Cast(double) ─ Where(IsNaN, impute) ─ Sub(mean) ─ Div(std) ─┐
//   each categorical ─ OneHotEncoder(levels, zeros=1) ─ Flatten ─ Concat ─ Cast(double) ───┴ Concat
//     ─ MatMul(W) ─ Add(intercept) ─ Sigmoid ─ [calibration, onnx-calibration.ts] ─ Cast(float) ─ probability
//
// Numerics are imputed and standardised in double with standard ops, not ai.onnx.ml Imputer/Scaler:
// onnxruntime keeps Imputer values and Scaler offset/scale as float32, and a float32 mean near 8000 is
// off by up to 2.4e-4, which a small std magnifies past the 1e-5 the export check allows (1.3e-5 on the
// test's wide spec with Imputer/Scaler, 3e-8 in double). After the float32 inputs everything is double,
// so the only rounding left is the input itself and the final float32 output.

export const OUTPUT_NAME = 'probability';
export const ML_DOMAIN = 'ai.onnx.ml';
export const IR_VERSION = 8;
// ai.onnx 17 and ai.onnx.ml 3 are the onnx 1.12 (IR 8) opsets; onnxruntime 1.30 loads both.
export const OPSETS = [
  { domain: '', version: 17 },
  { domain: ML_DOMAIN, version: 3 },
];

export interface OnnxExportMeta {
  modelName: string;
  version?: number;
  producerVersion: string;
  description?: string;
}

const { DataType } = onnx.TensorProto;
const { AttributeType } = onnx.AttributeProto;

/** Serialises `model` over `spec` as an ONNX model with one graph input per raw column. */
export function exportLogisticToOnnx(
  spec: FeatureSpec,
  model: LogisticModel,
  meta: OnnxExportMeta,
  calibration?: Calibration,
): Uint8Array {
  validate(spec, model);
  const graph = new GraphBuilder(spec.inputs.map((input) => input.name));
  const design = designMatrix(graph, spec, { imputeMissing: true });
  const weights = graph.doubles('weights', model.weights, [model.weights.length, 1]);
  const dot = graph.node('MatMul', [design, weights], 'dot');
  const logit = graph.node('Add', [dot, graph.doubles('intercept', [model.intercept], [1])], 'logit');
  const sigmoid = graph.node('Sigmoid', [logit], 'sigmoid');
  const probability = calibration ? appendCalibration(graph, sigmoid, calibration) : sigmoid;
  graph.nodes.push(node('Cast', [probability], [OUTPUT_NAME], graph.name('to_float'), { to: DataType.FLOAT }));
  return encodeModel(graph, spec, meta);
}

/**
 * The preprocessing every exported model starts with: raw columns to the double design matrix
 * (features.ts column order). `imputeMissing: false` leaves a missing numeric as NaN for models that
 * route it themselves (the trees); everything else is the same graph for every algorithm.
 */
export function designMatrix(graph: GraphBuilder, spec: FeatureSpec, options: { imputeMissing: boolean }): string {
  const parts = [numericPart(graph, spec, options.imputeMissing), categoricalPart(graph, spec)].filter(
    (p): p is string => p !== undefined,
  );
  return parts.length === 1 ? (parts[0] as string) : graph.node('Concat', parts, 'design', { axis: 1 });
}

/** The model proto around a finished graph whose last node writes OUTPUT_NAME. */
export function encodeModel(graph: GraphBuilder, spec: FeatureSpec, meta: OnnxExportMeta): Uint8Array {
  const proto = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: OPSETS,
    producerName: 'mlcycle',
    producerVersion: meta.producerVersion,
    domain: 'mlcycle',
    modelVersion: meta.version ?? 0,
    docString: meta.description ?? '',
    metadataProps: metadata(spec, meta),
    graph: {
      name: sanitize(meta.modelName),
      node: graph.nodes,
      initializer: graph.initializers,
      input: spec.inputs.map((input) =>
        tensorInfo(input.name, input.kind === 'numeric' ? DataType.FLOAT : DataType.STRING),
      ),
      output: [tensorInfo(OUTPUT_NAME, DataType.FLOAT)],
    },
  });
  return onnx.ModelProto.encode(proto).finish();
}

/** Standardised numerics as one double [N, numeric] tensor, or nothing when there are none. */
function numericPart(graph: GraphBuilder, spec: FeatureSpec, imputeMissing: boolean): string | undefined {
  const features = spec.numeric;
  if (features.length === 0) return undefined;
  const perFeature = (hint: string, pick: (f: NumericFeature) => number) =>
    graph.doubles(hint, features.map(pick), [features.length]);
  const names = features.map((f) => f.name);
  const raw = graph.node('Concat', names, 'numeric_raw', { axis: 1 });
  const wide = graph.node('Cast', [raw], 'numeric_double', { to: DataType.DOUBLE });
  if (!imputeMissing) {
    const centred = graph.node('Sub', [wide, perFeature('mean', (f) => f.mean)], 'numeric_centred');
    return graph.node('Div', [centred, perFeature('std', (f) => f.std)], 'numeric_scaled');
  }
  const missing = graph.node('IsNaN', [wide], 'numeric_missing');
  const imputed = graph.node('Where', [missing, perFeature('impute', (f) => f.impute), wide], 'numeric_imputed');
  const centred = graph.node('Sub', [imputed, perFeature('mean', (f) => f.mean)], 'numeric_centred');
  return graph.node('Div', [centred, perFeature('std', (f) => f.std)], 'numeric_scaled');
}

/** All one-hot blocks as one double [N, levels] tensor, or nothing when no categorical has a level. */
function categoricalPart(graph: GraphBuilder, spec: FeatureSpec): string | undefined {
  const blocks = spec.categorical
    .filter((f) => f.levels.length > 0)
    .map((f) => {
      // zeros=1: a value outside the levels becomes an all-zero row instead of a runtime error.
      const attributes = { cats_strings: f.levels, zeros: 1 };
      const encoded = graph.node('OneHotEncoder', [f.name], `${f.name}_onehot`, attributes, ML_DOMAIN);
      // OneHotEncoder appends the category axis: [N, 1] becomes [N, 1, K].
      return graph.node('Flatten', [encoded], `${f.name}_flat`, { axis: 1 });
    });
  if (blocks.length === 0) return undefined;
  const joined = blocks.length === 1 ? (blocks[0] as string) : graph.node('Concat', blocks, 'onehot', { axis: 1 });
  return graph.node('Cast', [joined], 'onehot_double', { to: DataType.DOUBLE });
}

function validate(spec: FeatureSpec, model: LogisticModel): void {
  const width = validateSpec(spec);
  if (model.weights.length !== width) {
    throw new InvalidInputError(`The model has ${model.weights.length} weights but the spec has ${width} columns`);
  }
  if (![...model.weights, model.intercept].every(Number.isFinite)) {
    throw new InvalidInputError('The model has a non-finite weight or intercept');
  }
}

/** Checks what every exporter relies on; returns the design-matrix width. */
export function validateSpec(spec: FeatureSpec): number {
  const kinds = new Map<string, string>();
  for (const input of spec.inputs) {
    if (kinds.has(input.name)) throw new InvalidInputError(`Input column "${input.name}" is listed twice`);
    if (input.name === OUTPUT_NAME) {
      throw new InvalidInputError(`Input column "${OUTPUT_NAME}" clashes with the output`);
    }
    kinds.set(input.name, input.kind);
  }
  const requireInput = (name: string, kind: string) => {
    if (kinds.get(name) !== kind) throw new InvalidInputError(`Feature "${name}" needs a ${kind} input column`);
  };
  for (const f of spec.numeric) {
    requireInput(f.name, 'numeric');
    if (![f.impute, f.mean, f.std].every(Number.isFinite) || f.std === 0) {
      throw new InvalidInputError(`Numeric feature "${f.name}" needs finite impute/mean and a finite non-zero std`);
    }
  }
  for (const f of spec.categorical) {
    requireInput(f.name, 'categorical');
    // OneHotEncoder keeps one column per distinct level; a repeated level would shift the weights.
    if (new Set(f.levels).size !== f.levels.length) throw new InvalidInputError(`Feature "${f.name}" repeats a level`);
  }
  const width = spec.numeric.length + spec.categorical.reduce((sum, f) => sum + f.levels.length, 0);
  if (width === 0) throw new InvalidInputError('The feature spec has no design-matrix columns to export');
  return width;
}

function metadata(spec: FeatureSpec, meta: OnnxExportMeta): onnx.IStringStringEntryProto[] {
  const props = [
    { key: 'modelName', value: meta.modelName },
    { key: 'inputs', value: JSON.stringify(spec.inputs.map(({ name, kind }) => ({ name, kind }))) },
    { key: 'output', value: OUTPUT_NAME },
  ];
  if (meta.version !== undefined) props.push({ key: 'modelVersion', value: String(meta.version) });
  return props;
}

/** A node attribute: int, string, strings, or tagged ints / floats / a 1-D double tensor. */
export type AttributeValue =
  number | string | string[] | { ints: number[] } | { floats: number[] } | { doubles: number[] };
type Attributes = Record<string, AttributeValue>;

/**
 * Collects nodes and initializers and hands out internal tensor names. Column names are used verbatim
 * as graph inputs, so internal names are sanitised, numbered and kept clear of every column name.
 */
export class GraphBuilder {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  private readonly taken: Set<string>;
  private counter = 0;

  constructor(inputNames: string[]) {
    this.taken = new Set([...inputNames, OUTPUT_NAME]);
  }

  name(hint: string): string {
    let candidate: string;
    do candidate = `mlc${this.counter++}_${sanitize(hint)}`;
    while (this.taken.has(candidate));
    this.taken.add(candidate);
    return candidate;
  }

  /** Adds a single-output node and returns the name of its output. */
  node(opType: string, inputs: string[], hint: string, attributes: Attributes = {}, domain = ''): string {
    const output = this.name(hint);
    this.nodes.push(node(opType, inputs, [output], output, attributes, domain));
    return output;
  }

  /** An int64 initializer (shapes, indices). */
  int64s(hint: string, values: readonly number[]): string {
    const name = this.name(hint);
    this.initializers.push({ name, dataType: DataType.INT64, dims: [values.length], int64Data: [...values] });
    return name;
  }

  /** A double initializer stored as little-endian raw bytes, which round-trips every float64 exactly. */
  doubles(hint: string, values: readonly number[], dims: number[]): string {
    const name = this.name(hint);
    this.initializers.push({ ...doubleTensor(values), name, dims });
    return name;
  }
}

export function node(
  opType: string,
  input: string[],
  output: string[],
  name: string,
  attributes: Attributes,
  domain = '',
) {
  const attribute = Object.entries(attributes).map(([key, value]) => attributeProto(key, value));
  return { opType, input, output, name, attribute, domain } satisfies onnx.INodeProto;
}

const utf8 = new TextEncoder();

function attributeProto(name: string, value: AttributeValue): onnx.IAttributeProto {
  if (typeof value === 'number') return { name, type: AttributeType.INT, i: value };
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: utf8.encode(value) };
  if (Array.isArray(value)) return { name, type: AttributeType.STRINGS, strings: value.map((s) => utf8.encode(s)) };
  if ('ints' in value) return { name, type: AttributeType.INTS, ints: value.ints };
  if ('floats' in value) return { name, type: AttributeType.FLOATS, floats: value.floats };
  return { name, type: AttributeType.TENSOR, t: doubleTensor(value.doubles) };
}

/** A 1-D double tensor as little-endian raw bytes, which round-trips every float64 exactly. */
function doubleTensor(values: readonly number[]): onnx.ITensorProto {
  const raw = new Uint8Array(values.length * 8);
  const view = new DataView(raw.buffer);
  values.forEach((value, i) => view.setFloat64(i * 8, value, true));
  return { dataType: DataType.DOUBLE, dims: [values.length], rawData: raw };
}

function tensorInfo(name: string, elemType: number): onnx.IValueInfoProto {
  return { name, type: { tensorType: { elemType, shape: { dim: [{ dimParam: 'N' }, { dimValue: 1 }] } } } };
}

function sanitize(text: string): string {
  return text.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 64) || 'x';
}
