import type { FeatureSpec, RawRecord } from '../../models/types';
import { NUMERIC_DATATYPES, OUTPUT_NAMES, type OutputName } from '../../contracts/open-inference';
import { clip, describeValue, quoted } from '../echo';
import { badRequest, invalidRequest } from '../problems';
import { fromBinary } from './binary-tensors';

// An Open Inference Protocol request's input tensors, one per raw feature column, turned into the
// records /predict scores. Every refusal names the input and what is wrong with its datatype, shape
// or data, so a client built from the model metadata can fix it.

/** A V2 body as the route's parser leaves it: the JSON part and the binary tensor data after it, if any. */
export interface V2Body {
  json: unknown;
  /** Bytes after the JSON (binary tensor data extension, `Inference-Header-Content-Length`). */
  binary: Buffer | undefined;
}

export interface InferCall {
  id: string | undefined;
  /** The tensors to answer, in the order asked for (all three by default). */
  outputs: OutputName[];
  /** Builds the records once the answering version's columns are known. */
  toRecords: (spec: FeatureSpec) => RawRecord[];
}

const NUMERIC: ReadonlySet<string> = new Set(NUMERIC_DATATYPES);

interface Input {
  name: string;
  datatype: string;
  rows: number;
  values: unknown[];
}

/** Checks the request's shape (everything but the columns) and returns how to build its records. */
export function readInferRequest({ json, binary }: V2Body, maxRecords: number): InferCall {
  if (!isObject(json)) refuse(null, `the body must be a JSON object {"inputs": [...]}; got ${describeValue(json)}`);
  const { id, inputs, outputs } = json;
  if (id !== undefined && typeof id !== 'string') refuse('id', `"id" must be a string, got ${describeValue(id)}`);
  if (json.parameters !== undefined && !isObject(json.parameters)) {
    refuse('parameters', `"parameters" must be an object, got ${describeValue(json.parameters)}`);
  }
  if (!Array.isArray(inputs) || inputs.length === 0) {
    refuse(
      'inputs',
      `"inputs" must be a non-empty list of tensors, one per feature column; got ${describeValue(inputs)}`,
    );
  }
  const decoded = decodeInputs(inputs, binary, maxRecords);
  return { id, outputs: requestedOutputs(outputs), toRecords: (spec) => toRecords(decoded, spec) };
}

function decodeInputs(inputs: unknown[], binary: Buffer | undefined, maxRecords: number): Input[] {
  let offset = 0;
  const seen = new Set<string>();
  const decoded = inputs.map((input, index): Input => {
    if (!isObject(input) || typeof input.name !== 'string' || input.name === '') {
      return refuse(
        `inputs[${index}]`,
        `inputs[${index}] must be a tensor {"name", "shape", "datatype", "data"} with a name`,
      );
    }
    const name = input.name;
    const label = `input ${quoted(name)}`;
    if (seen.has(name)) refuse(clip(name), `${label} is given twice`);
    seen.add(name);
    const { datatype, shape } = input;
    if (typeof datatype !== 'string') refuse(clip(name), `${label} has no "datatype" (e.g. "BYTES" or "FP64")`);
    const rows = rowsOf(shape, label, name, maxRecords);
    const size = binarySize(input.parameters, label, name);
    let values: unknown[];
    if (size !== undefined) {
      if (input.data !== undefined) refuse(clip(name), `${label} has both "data" and binary data; send one`);
      const available = binary?.length ?? 0;
      if (offset + size > available) {
        refuse(
          clip(name),
          `${label} says binary_data_size ${size} but only ${available - offset} bytes of binary data are left`,
        );
      }
      values = fromBinary((binary as Buffer).subarray(offset, offset + size), datatype, label, name);
      offset += size;
    } else {
      values = flatten(input.data, shape as number[], label, name);
    }
    if (values.length !== rows) {
      refuse(clip(name), `${label} holds ${values.length} values but its shape ${JSON.stringify(shape)} says ${rows}`);
    }
    return { name, datatype, rows, values };
  });
  if (binary && offset !== binary.length) {
    refuse(
      null,
      `${binary.length - offset} bytes of binary data follow the JSON that no input's binary_data_size accounts for`,
    );
  }
  const first = decoded[0] as Input;
  const uneven = decoded.find((input) => input.rows !== first.rows);
  if (uneven) {
    refuse(
      clip(uneven.name),
      `input ${quoted(uneven.name)} has ${uneven.rows} rows but input ${quoted(first.name)} has ${first.rows}: every input holds one value per row`,
    );
  }
  return decoded;
}

/** `[n]` or `[n, 1]`: the number of rows. */
function rowsOf(shape: unknown, label: string, name: string, maxRecords: number): number {
  const dims = Array.isArray(shape) ? shape : [];
  const valid = dims.every((dim) => Number.isSafeInteger(dim) && (dim as number) >= 0);
  if (!valid || dims.length < 1 || dims.length > 2 || (dims.length === 2 && dims[1] !== 1)) {
    refuse(clip(name), `${label} has shape ${shapeText(shape)}; a feature column's shape is [n] or [n, 1]`);
  }
  const rows = dims[0] as number;
  if (rows === 0) refuse(clip(name), `${label} has shape ${shapeText(shape)}: no rows; send at least one`);
  if (rows > maxRecords) refuse(clip(name), `${label} has ${rows} rows; at most ${maxRecords} per request`);
  return rows;
}

function binarySize(parameters: unknown, label: string, name: string): number | undefined {
  if (parameters === undefined) return undefined;
  if (!isObject(parameters)) refuse(clip(name), `${label}: "parameters" must be an object`);
  const size = parameters.binary_data_size;
  if (size === undefined) return undefined;
  if (!Number.isSafeInteger(size) || (size as number) < 0) {
    refuse(clip(name), `${label}: "binary_data_size" must be a byte count, got ${describeValue(size)}`);
  }
  return size as number;
}

/** Row-major data, flat or nested as the shape; one level of nesting at most for [n, 1]. */
function flatten(data: unknown, shape: number[], label: string, name: string): unknown[] {
  if (!Array.isArray(data))
    refuse(clip(name), `${label} has no "data" list (nor binary_data_size); got ${describeValue(data)}`);
  const flat = shape.length === 2 ? data.flat(1) : data;
  if (flat.some((value) => Array.isArray(value))) {
    refuse(clip(name), `${label}: "data" is nested deeper than its shape ${JSON.stringify(shape)}`);
  }
  return flat;
}

/** One record per row, each column from its input, after checking names and datatypes against the columns. */
function toRecords(inputs: readonly Input[], spec: FeatureSpec): RawRecord[] {
  const kinds = new Map(spec.inputs.map((column) => [column.name, column.kind]));
  for (const input of inputs) {
    const kind = kinds.get(input.name);
    if (kind === undefined) {
      refuse(
        clip(input.name),
        `input ${quoted(input.name)} is not a feature column of this model; its inputs are ${listNames(spec)}`,
      );
    }
    checkDatatype(input, kind);
  }
  const given = new Set(inputs.map((input) => input.name));
  const missing = spec.inputs.filter((column) => !given.has(column.name));
  if (missing.length > 0) {
    const names = missing.map((column) => quoted(column.name)).join(', ');
    const message = `missing input${missing.length === 1 ? '' : 's'} ${names}: send one tensor per feature column (GET /v2/models/{name} lists them)`;
    throw badRequest(
      `Invalid request: ${message}`,
      missing
        .slice(0, 100)
        .map((column) => ({ row: null, field: column.name, message: `missing input ${quoted(column.name)}` })),
    );
  }
  const rows = (inputs[0] as Input).rows;
  const records = Array.from({ length: rows }, () => Object.create(null) as RawRecord);
  for (const { name, values } of inputs) values.forEach((value, row) => ((records[row] as RawRecord)[name] = value));
  return records;
}

/**
 * Categories come as BYTES. Numbers as FP64 (what the metadata declares), FP32 or an integer type,
 * null meaning missing; BYTES is taken for a numeric column too, holding numeric text (a blank is
 * missing), as /predict takes numeric strings.
 */
function checkDatatype({ name, datatype, values }: Input, kind: 'numeric' | 'categorical'): void {
  const label = `input ${quoted(name)}`;
  if (kind === 'categorical' && datatype !== 'BYTES') {
    refuse(clip(name), `${label} is a category column: its datatype is BYTES (strings), not ${quoted(datatype)}`);
  }
  if (kind === 'numeric' && datatype !== 'BYTES' && !NUMERIC.has(datatype)) {
    refuse(
      clip(name),
      `${label} is a numeric column: its datatype is FP64, FP32, an integer type or BYTES, not ${quoted(datatype)}`,
    );
  }
  const wanted = datatype === 'BYTES' ? 'string' : 'number';
  const row = values.findIndex((value) => !(typeof value === wanted || (wanted === 'number' && value === null)));
  if (row >= 0) {
    const message = `${label} (${datatype}): element ${row} is ${describeValue(values[row])}, not a ${wanted}${wanted === 'number' ? ' or null (missing)' : ''}`;
    throw invalidRequest(row, name, message);
  }
}

function requestedOutputs(outputs: unknown): OutputName[] {
  if (outputs === undefined) return [...OUTPUT_NAMES];
  if (!Array.isArray(outputs)) refuse('outputs', `"outputs" must be a list of {"name"}; got ${describeValue(outputs)}`);
  return outputs.map((output, index): OutputName => {
    const name: unknown = isObject(output) ? output.name : undefined;
    if (typeof name !== 'string' || !(OUTPUT_NAMES as readonly string[]).includes(name)) {
      const known = OUTPUT_NAMES.map((known) => `"${known}"`).join(', ');
      return refuse(`outputs[${index}]`, `outputs[${index}] names ${describeValue(name)}; the outputs are ${known}`);
    }
    return name as OutputName;
  });
}

function listNames(spec: FeatureSpec): string {
  const names = spec.inputs.map((column) => quoted(column.name));
  return names.length > 30 ? `${names.slice(0, 30).join(', ')} and ${names.length - 30} more` : names.join(', ');
}

/** The shape as sent; a list is shown only when it holds plain values (stringifying deep nesting would overflow). */
function shapeText(shape: unknown): string {
  const plain = Array.isArray(shape) && shape.every((dim) => typeof dim !== 'object' || dim === null);
  return plain ? clip(JSON.stringify(shape)) : describeValue(shape);
}

function refuse(field: string | null, message: string): never {
  throw invalidRequest(null, field, message);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
