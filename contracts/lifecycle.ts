import { Type, type Static } from 'typebox';
import { ColumnName, DataUri, ModelName } from './common';
import type { ClassificationMetrics } from './metrics';
import {
  ApprovalOptions,
  type ApprovalOutcome,
  type GateOutcome,
  PromotionRule,
  RolloutOptions,
  type RolloutOutcome,
} from './rollout';

/** Probability calibration fitted on the validation split and built into the exported graph. */
export const CalibrationMethod = Type.Union([Type.Literal('none'), Type.Literal('platt'), Type.Literal('isotonic')]);
export type CalibrationMethod = Static<typeof CalibrationMethod>;

/** What the decision threshold is chosen for on the validation split (default: the best F1). */
export const ThresholdObjective = Type.Union([
  Type.Object({ metric: Type.Literal('f1') }, { additionalProperties: false }),
  Type.Object(
    { metric: Type.Literal('precision'), target: Type.Number({ exclusiveMinimum: 0, maximum: 1 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    { metric: Type.Literal('recall'), target: Type.Number({ exclusiveMinimum: 0, maximum: 1 }) },
    { additionalProperties: false },
  ),
]);
export type ThresholdObjective = Static<typeof ThresholdObjective>;

/** Weights of each class's rows in the logistic log loss; 'balanced' = rows / (2 · rows of the class). */
export const ClassWeightsOption = Type.Union([
  Type.Literal('balanced'),
  Type.Object(
    { positive: Type.Number({ exclusiveMinimum: 0 }), negative: Type.Number({ exclusiveMinimum: 0 }) },
    { additionalProperties: false },
  ),
]);
export type ClassWeightsOption = Static<typeof ClassWeightsOption>;

/** Settings of the gradient-boosted trees (algorithm "gbdt", or "auto"); each has a default (models/gbdt/types.ts). */
export const GbdtOptions = Type.Object(
  {
    learningRate: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
    maxLeaves: Type.Optional(Type.Integer({ minimum: 2, maximum: 4096 })),
    /** 0 = no limit beyond maxLeaves. */
    maxDepth: Type.Optional(Type.Integer({ minimum: 0, maximum: 64 })),
    minSamplesLeaf: Type.Optional(Type.Integer({ minimum: 1 })),
    l2: Type.Optional(Type.Number({ minimum: 0 })),
    maxIterations: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    /** Rounds without a better validation log loss before boosting stops. */
    earlyStoppingRounds: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type GbdtOptions = Static<typeof GbdtOptions>;

/**
 * The options of a training run that a retrain may set differently from the version it replaces.
 * `positiveLabel` is a string; a number (`1` for a 0/1 target) is accepted by the workflow and read
 * as its decimal string (`"1"`), since CSV values are text.
 */
export const TrainingOptions = Type.Object({
  target: Type.Optional(ColumnName),
  positiveLabel: Type.Optional(Type.String({ minLength: 1 })),
  idColumn: Type.Optional(ColumnName),
  algorithm: Type.Optional(Type.Union([Type.Literal('logistic'), Type.Literal('auto'), Type.Literal('gbdt')])),
  gbdt: Type.Optional(GbdtOptions),
  seed: Type.Optional(Type.Integer()),
  /** Minimum rows of each class for the data to be usable (default 20). */
  minRowsPerClass: Type.Optional(Type.Integer({ minimum: 1 })),
  /** Promotion gate: the new version is deployed only if its test ROC AUC reaches this (default 0.6). */
  minRocAuc: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  /** Set false to register without rolling out. */
  deploy: Type.Optional(Type.Boolean()),
  calibration: Type.Optional(CalibrationMethod),
  thresholdObjective: Type.Optional(ThresholdObjective),
  classWeights: Type.Optional(ClassWeightsOption),
  /** How the new version reaches traffic (default direct), whether a human approves first, and the rule against the champion. */
  rollout: Type.Optional(RolloutOptions),
  approval: Type.Optional(ApprovalOptions),
  promotion: Type.Optional(PromotionRule),
});

/** `mlLifecycle` input: plain JSON, so the Temporal CLI can start it. */
export const MlLifecycleInputSchema = Type.Object({
  modelName: ModelName,
  dataUri: DataUri,
  ...TrainingOptions.properties,
  /** Most distinct values a categorical column may have (default 300). */
  maxCategories: Type.Optional(Type.Integer({ minimum: 1 })),
  /** Most model features, one per numeric column plus one per category level (default 500). */
  maxFeatures: Type.Optional(Type.Integer({ minimum: 1 })),
});
export type MlLifecycleInput = Static<typeof MlLifecycleInputSchema>;

export type LifecycleStep = 'validate' | 'train' | 'export' | 'register' | 'gate' | 'approval' | 'deploy';

export interface StepProgress {
  step: LifecycleStep;
  status: 'pending' | 'running' | 'done' | 'failed' | 'skipped';
  detail?: string;
}

export interface MlLifecycleProgress {
  modelName: string;
  current: LifecycleStep | 'finished';
  steps: StepProgress[];
  version?: number;
}

export interface MlLifecycleResult {
  modelName: string;
  version: number;
  deployed: boolean;
  metrics: Pick<ClassificationMetrics, 'rocAuc' | 'prAuc' | 'accuracy' | 'f1' | 'logLoss' | 'brier'> &
    Partial<ClassificationMetrics>;
  reason: string;
  dataSha256: string;
  artifactSha256: string;
  /**
   * The version serving when the run ended: this run's version when it deployed, else the one that
   * kept serving, or null when the run did not learn it (the deploy step did not run) or none serves.
   */
  servingVersion: number | null;
  /** Findings that did not stop the run but deserve a look: target-leak suspects, rows shared by train and test. */
  warnings: string[];
  /** The new version against the serving one on the same rows (absent when the gate did not run). */
  comparison?: GateOutcome;
  approval?: ApprovalOutcome;
  /** A canary or shadow rollout: what was watched and what became of it. */
  rollout?: RolloutOutcome;
}
