import type { ClassificationMetrics } from '../contracts';
import type { ModelBaseline, NumericBaseline } from '../monitoring/types';
import type { ModelVersionRecord } from '../registry/types';

// What a client needs to build a valid /predict record for a model version, and to know what the
// model saw in training: served at GET /models/{name}.

export interface NumericColumnSchema {
  name: string;
  type: 'numeric';
  /** What a blank (null or "") becomes: the training median. */
  impute: number;
  /** Training range and distribution, from the version's drift baseline; null when it has none. */
  min: number | null;
  max: number | null;
  /** The baseline's quantile bin edges, ascending: deciles (11 edges) for a column with many values, its distinct values for one with few. */
  quantiles: number[] | null;
  mean: number | null;
  std: number | null;
  /** Share of training rows where the value was blank. */
  blankShare: number | null;
}

export interface CategoricalColumnSchema {
  name: string;
  type: 'categorical';
  /** Every value the model knows, in one-hot order; "" is the blank level when training data had blanks. */
  levels: string[];
  /** Share of training rows per level, from the baseline; null when it has none. */
  levelShares: Record<string, number> | null;
}

export type ColumnSchema = NumericColumnSchema | CategoricalColumnSchema;

export interface ModelSchema {
  name: string;
  version: number;
  /** The version that answers /predict without "version"; null when the model serves none. */
  servingVersion: number | null;
  /** Raw input columns in CSV order: what each /predict record must hold. */
  columns: ColumnSchema[];
  target: string;
  positiveLabel: string;
  /** The id column of the training data (ignored in requests), or null. */
  idColumn: string | null;
  /** Probability from which the answered label is 1 (the positive class). */
  threshold: number;
  algorithm: string | null;
  /** Test-split metrics at training time. */
  metrics: ClassificationMetrics;
  training: { rows: number; dataSha256: string; createdAt: string; baselineRows: number | null };
  /** What this answer could not say, and why (e.g. a version registered before baselines were stored). */
  notes: string[];
}

/** Baselines made after min/max were stored have them; older ones have them as the outer bin edges. */
type StoredNumericBaseline = NumericBaseline & { min?: number; max?: number };

/** The schema of a version; `baseline` is its drift baseline, or undefined (`missing` says why). */
export function modelSchema(
  record: ModelVersionRecord,
  baseline: ModelBaseline | undefined,
  missing: string | undefined,
): Omit<ModelSchema, 'servingVersion'> {
  const byName = new Map((baseline?.features ?? []).map((feature) => [feature.name, feature]));
  const numeric = new Map(record.spec.numeric.map((feature) => [feature.name, feature]));
  const categorical = new Map(record.spec.categorical.map((feature) => [feature.name, feature]));
  const columns = record.spec.inputs.map((input): ColumnSchema => {
    const stored = byName.get(input.name);
    if (input.kind === 'categorical') {
      return {
        name: input.name,
        type: 'categorical',
        levels: categorical.get(input.name)?.levels ?? [],
        levelShares: stored?.kind === 'categorical' ? stored.levelShares : null,
      };
    }
    const summary = stored?.kind === 'numeric' ? (stored as StoredNumericBaseline) : undefined;
    const edges = summary?.binEdges ?? [];
    return {
      name: input.name,
      type: 'numeric',
      impute: numeric.get(input.name)?.impute ?? 0,
      min: summary?.min ?? edges[0] ?? null,
      max: summary?.max ?? edges[edges.length - 1] ?? null,
      quantiles: summary ? edges : null,
      mean: summary?.mean ?? null,
      std: summary?.std ?? null,
      blankShare: summary?.missingShare ?? null,
    };
  });
  const idColumn = record.params.idColumn;
  const algorithm = record.params.algorithm;
  return {
    name: record.modelName,
    version: record.version,
    columns,
    target: record.target,
    positiveLabel: record.positiveLabel,
    idColumn: typeof idColumn === 'string' ? idColumn : null,
    threshold: record.threshold,
    algorithm: typeof algorithm === 'string' ? algorithm : null,
    metrics: record.metrics,
    training: {
      rows: record.dataRows,
      dataSha256: record.dataSha256,
      createdAt: record.createdAt,
      baselineRows: baseline?.rows ?? null,
    },
    notes: missing ? [`No training ranges or level shares: ${missing}`] : [],
  };
}
