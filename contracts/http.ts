import { Type, type Static } from 'typebox';

// Bodies and headers of the scoring server. The routes check bodies by hand, row by row, for messages
// that name the row and column (a JSON schema validator would say less); these schemas say what a good
// body is, and the routes' types are derived from them.

/** Requests with this header set to "1" are answered but not logged for monitoring (deploy smoke tests). */
export const NO_LOG_HEADER = 'x-mlcycle-no-log';

/** A version in a body: a positive integer written as a JSON number (`3`, not `"3"`). */
export const BodyVersion = Type.Integer({ minimum: 1 });

/** `POST /predict`. */
export const PredictRequestSchema = Type.Object({
  model: Type.Optional(Type.String({ minLength: 1 })),
  version: Type.Optional(BodyVersion),
  /** Raw CSV columns by name: strings for categories; numbers, numeric strings, null or "" for numerics. */
  records: Type.Array(Type.Record(Type.String(), Type.Unknown()), { minItems: 1 }),
});
export type PredictRequest = Static<typeof PredictRequestSchema>;

export const PredictionSchema = Type.Object({
  /** Quote it in `POST /feedback` to attach the true outcome. */
  id: Type.String(),
  probability: Type.Number(),
  label: Type.Union([Type.Literal(0), Type.Literal(1)]),
});
export type Prediction = Static<typeof PredictionSchema>;

/** The answer of `POST /predict`; also its response schema, so fastify serialises 10,000 predictions fast. */
export const PredictResponseSchema = Type.Object({
  model: Type.Object({ name: Type.String(), version: Type.Integer() }),
  predictions: Type.Array(PredictionSchema),
});
export type PredictResponse = Static<typeof PredictResponseSchema>;

/** `POST /feedback`: true outcomes of earlier prediction ids (0/1, true/false, yes/no or the class name). */
export const FeedbackRequestSchema = Type.Object({
  labels: Type.Array(
    Type.Object({
      id: Type.String({ minLength: 1 }),
      label: Type.Union([Type.String(), Type.Number(), Type.Boolean()]),
    }),
    { minItems: 1 },
  ),
});
export type FeedbackRequest = Static<typeof FeedbackRequestSchema>;

export const FeedbackResponseSchema = Type.Object({
  accepted: Type.Integer(),
  /** Ids this log does not hold: never predicted, pruned, or not written yet by another replica. */
  unknown: Type.Array(Type.String()),
});
export type FeedbackResponse = Static<typeof FeedbackResponseSchema>;

/** `PUT /admin/models/:name/serving`. */
export const ServingRequestSchema = Type.Object({ version: BodyVersion });
export type ServingRequest = Static<typeof ServingRequestSchema>;

/** Path parameters of `/models/:name/versions/:version` and the admin routes: a version as digits. */
export const ModelVersionParamsSchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  version: Type.String({ pattern: '^[0-9]+$', maxLength: 100 }),
});
export type ModelVersionParams = Static<typeof ModelVersionParamsSchema>;

/** One problem of a refused request; `row` and `field` are null when it concerns the whole body. */
export interface ProblemDetail {
  row: number | null;
  field: string | null;
  message: string;
}

/** Every 4xx and 503 answer. */
export interface ErrorBody {
  error: string;
  details: ProblemDetail[];
}
