import { Type, type Static } from 'typebox';

// MLflow's scoring protocol, as `mlflow models serve` speaks it at POST /invocations: a JSON body with
// exactly one of `dataframe_split`, `dataframe_records`, `instances` or `inputs` (and optional
// `params`), or a CSV body with a header row. The routes check bodies by hand, naming row and column.

/** The input fields of an MLflow JSON body; exactly one per request. */
export const MLFLOW_INPUT_FIELDS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const;
export type MlflowInputField = (typeof MLFLOW_INPUT_FIELDS)[number];

/** `{"dataframe_split": …}`: pandas' `DataFrame.to_json(orient="split")`, which MLflow's client sends. */
export const DataframeSplitSchema = Type.Object({
  columns: Type.Array(Type.String({ minLength: 1 })),
  data: Type.Array(Type.Array(Type.Unknown())),
  index: Type.Optional(Type.Array(Type.Unknown())),
});
export type DataframeSplit = Static<typeof DataframeSplitSchema>;

/**
 * The answer: one number per row, the churn probability (the positive class), as MLflow answers for a
 * model whose pyfunc returns `predict_proba`'s positive column.
 */
export const InvocationsResponseSchema = Type.Object({
  predictions: Type.Array(Type.Number()),
});
export type InvocationsResponse = Static<typeof InvocationsResponseSchema>;
