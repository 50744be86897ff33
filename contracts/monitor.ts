import { Type, type Static } from 'typebox';
import { DataUri, ModelName } from './common';

export type DriftTest = 'ks' | 'chi2' | 'wasserstein' | 'jensenshannon';
export type PredictionDriftMode = 'feature' | 'trigger' | 'report';

const DriftTestSchema = Type.Union([
  Type.Literal('ks'),
  Type.Literal('chi2'),
  Type.Literal('wasserstein'),
  Type.Literal('jensenshannon'),
]);

/** Which data a drift-triggered retrain trains on. */
export const RetrainPolicySchema = Type.Union([
  /** The serving version's own training data. */
  Type.Object({ mode: Type.Literal('original') }),
  /** The serving version's training data plus every live record that has feedback (the default). */
  Type.Object({ mode: Type.Literal('original+labelled') }),
  /** A new data set. */
  Type.Object({ mode: Type.Literal('dataUri'), dataUri: DataUri }),
]);
export type RetrainPolicy = Static<typeof RetrainPolicySchema>;

/** Drift settings over the defaults; every key is checked again, with its range, by the drift check. */
export const DriftConfigOverridesSchema = Type.Object({
  alpha: Type.Optional(Type.Number()),
  correction: Type.Optional(Type.Union([Type.Literal('bh'), Type.Literal('bonferroni')])),
  largeWindow: Type.Optional(Type.Integer()),
  wassersteinThreshold: Type.Optional(Type.Number()),
  jensenShannonThreshold: Type.Optional(Type.Number()),
  minEffectNumeric: Type.Optional(Type.Number()),
  minEffectCategorical: Type.Optional(Type.Number()),
  driftShare: Type.Optional(Type.Number()),
  predictionDrift: Type.Optional(
    Type.Union([Type.Literal('feature'), Type.Literal('trigger'), Type.Literal('report')]),
  ),
  features: Type.Optional(
    Type.Record(
      Type.String(),
      Type.Object({
        test: Type.Optional(DriftTestSchema),
        threshold: Type.Optional(Type.Number()),
        minEffect: Type.Optional(Type.Number()),
        critical: Type.Optional(Type.Boolean()),
      }),
    ),
  ),
  performance: Type.Optional(
    Type.Object({ minLabelled: Type.Optional(Type.Integer()), rocAucMargin: Type.Optional(Type.Number()) }),
  ),
});
export type DriftConfigOverrides = Static<typeof DriftConfigOverridesSchema>;

/** An RFC 3339 time with a zone, or epoch milliseconds; null is the same as leaving it out. */
const WindowEnd = Type.Union([Type.String(), Type.Integer(), Type.Null()]);

/** `driftMonitor` input: plain JSON. */
/** What driftMonitor uses for a field its input leaves out (the CLI shows them too). */
export const DRIFT_MONITOR_DEFAULTS = { cooldown: '6h', minRows: 100, minNewLabelled: 100 } as const;

export const DriftMonitorInputSchema = Type.Object({
  modelName: ModelName,
  /** Default: from the previous run's `to` until now. */
  from: Type.Optional(WindowEnd),
  to: Type.Optional(WindowEnd),
  /** Start a retrain on drift (default true). */
  retrain: Type.Optional(Type.Boolean()),
  /** No second drift-triggered retrain within this long of the last (default '6h'). */
  cooldown: Type.Optional(Type.Union([Type.String(), Type.Number()])),
  retrainPolicy: Type.Optional(RetrainPolicySchema),
  config: Type.Optional(DriftConfigOverridesSchema),
  /** Below this many logged rows in the window nothing is tested (default 100). */
  minRows: Type.Optional(Type.Integer({ minimum: 1 })),
  /**
   * Under the `original+labelled` policy: no retrain with fewer new labelled live records than this
   * (default 100); the decision is then `drift-too-few-labels`.
   */
  minNewLabelled: Type.Optional(Type.Integer({ minimum: 0 })),
});
/** `driftMonitor` input as a client sends it. */
export type DriftMonitorRequest = Static<typeof DriftMonitorInputSchema>;
/** `driftMonitor` input once checked: `from` and `to` are canonical UTC ISO strings. */
export type DriftMonitorInput = Omit<DriftMonitorRequest, 'from' | 'to'> & { from?: string; to?: string };

export type MonitorDecision =
  | 'no-data'
  | 'no-drift'
  | 'drift-retrain-disabled'
  | 'drift-cooling-down'
  /** Drift, but fewer new labelled live records than `minNewLabelled`: no retrain. */
  | 'drift-too-few-labels'
  /** Written by runs before the monitor waited for its retrain; the outcome is in the registry. */
  | 'retrain-started'
  /** The retrain registered a version and it serves. */
  | 'retrained'
  /** The retrain registered a version that the promotion gate or the smoke test kept from serving. */
  | 'retrain-not-deployed'
  /** The retrain failed before registering a version (e.g. its data did not validate). */
  | 'retrain-failed';

/** The data and outcome of a drift-triggered retrain (or of one not started for too few labels). */
export interface DriftRetrainSummary {
  workflowId?: string;
  /** Rows the retrain trains on (0 when the policy names a new data set, which is not read here). */
  rows: number;
  /** Labelled live records added that the serving version was not trained on. */
  newLabelled: number;
  /** Labelled live records left out because the serving version's data already holds them. */
  knownLabelled: number;
  minNewLabelled: number;
  version?: number;
  deployed?: boolean;
  error?: string;
}

export interface FeatureVerdict {
  name: string;
  test: DriftTest;
  statistic: number;
  pValue?: number;
  drifted: boolean;
}

/** Realised performance on the labels that arrived in `labelSpan`, for predictions made in `predictionSpan`. */
export interface PerformanceVerdict {
  labelled: number;
  /** Of `labelled`, predictions from before the window whose label came later. */
  late?: number;
  rocAuc: number | null;
  drifted: boolean;
  predictionSpan?: { from: string; to: string };
  labelSpan?: { from: string; to: string };
}

export interface DriftMonitorResult {
  modelName: string;
  version: number | null;
  /** Dataset drift, concept drift, or prediction drift set to trigger. */
  drifted: boolean;
  /** Dataset drift by the rule (driftShare of the features drifted, or a critical one), as the report's headline says. */
  datasetDrift: boolean;
  /** @deprecated The same as `datasetDrift`; kept for readers of earlier results. */
  dataDrift: boolean;
  driftShare: number;
  features: FeatureVerdict[];
  prediction?: FeatureVerdict;
  performance?: PerformanceVerdict;
  window: { rows: number; from: string | null; to: string };
  decision: MonitorDecision;
  reason: string;
  retrainWorkflowId?: string;
  retrain?: DriftRetrainSummary;
  reportPath?: string;
}
