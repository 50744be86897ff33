import { Type, type Static } from 'typebox';

// The Open Inference Protocol (KServe's V2, Triton's HTTP API) as the scoring server speaks it under
// /v2: one input tensor per raw feature column. Requests are checked by hand so errors name the input,
// its datatype and its shape; these schemas say what a good body is and shape the answers.

/** Datatypes of the protocol that a numeric column takes (FP64 is what the model metadata declares). */
export const NUMERIC_DATATYPES = [
  'FP64',
  'FP32',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
] as const;
export type NumericDatatype = (typeof NUMERIC_DATATYPES)[number];

/** Output tensors: the churn probability, the label from the version's threshold, the prediction id (for /feedback). */
export const OUTPUT_NAMES = ['probability', 'label', 'id'] as const;
export type OutputName = (typeof OUTPUT_NAMES)[number];

export const RequestInputSchema = Type.Object({
  name: Type.String({ minLength: 1 }),
  /** `[n]` or `[n, 1]`: one value per row. */
  shape: Type.Array(Type.Integer({ minimum: 0 })),
  datatype: Type.String(),
  parameters: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  /** Row-major, flat or nested as the shape; absent when the values follow the JSON as binary (`binary_data_size`). */
  data: Type.Optional(Type.Array(Type.Unknown())),
});
export type RequestInput = Static<typeof RequestInputSchema>;

export const InferRequestSchema = Type.Object({
  id: Type.Optional(Type.String()),
  parameters: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  inputs: Type.Array(RequestInputSchema, { minItems: 1 }),
  outputs: Type.Optional(
    Type.Array(
      Type.Object({ name: Type.String(), parameters: Type.Optional(Type.Record(Type.String(), Type.Unknown())) }),
    ),
  ),
});
export type InferRequest = Static<typeof InferRequestSchema>;

export const ResponseOutputSchema = Type.Object({
  name: Type.String(),
  datatype: Type.String(),
  shape: Type.Array(Type.Integer()),
  data: Type.Union([Type.Array(Type.Number()), Type.Array(Type.String())]),
});
export type ResponseOutput = Static<typeof ResponseOutputSchema>;

export const InferResponseSchema = Type.Object({
  model_name: Type.String(),
  model_version: Type.String(),
  id: Type.Optional(Type.String()),
  outputs: Type.Array(ResponseOutputSchema),
});
export type InferResponse = Static<typeof InferResponseSchema>;

export const MetadataTensorSchema = Type.Object({
  name: Type.String(),
  datatype: Type.String(),
  shape: Type.Array(Type.Integer()),
});
export type MetadataTensor = Static<typeof MetadataTensorSchema>;

export const ModelMetadataSchema = Type.Object({
  name: Type.String(),
  /** Every registered version, as strings (the protocol's versions are strings); any can be asked for. */
  versions: Type.Array(Type.String()),
  platform: Type.String(),
  inputs: Type.Array(MetadataTensorSchema),
  outputs: Type.Array(MetadataTensorSchema),
});
export type ModelMetadata = Static<typeof ModelMetadataSchema>;
