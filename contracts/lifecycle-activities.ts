import type { PromotionRule } from './rollout';
import type { DataProblem, InputColumn } from './data';
import type { CalibrationMethod, ClassWeightsOption, ThresholdObjective } from './lifecycle';
import type { GbdtOptions } from './lifecycle';
import type { ClassificationMetrics } from './metrics';

// Inputs and results of the lifecycle activities. Data travels as file paths plus sha256, never as
// payload, so histories stay small whatever the data set's size.

export interface ValidateDataInput {
  dataUri: string;
  target: string;
  positiveLabel?: string;
  idColumn?: string;
  minRowsPerClass: number;
  /** Bounds on one-hot levels per column and on model features (data/feature-bounds.ts). */
  maxCategories?: number;
  maxFeatures?: number;
}

export interface ValidatedData {
  dataPath: string;
  dataSha256: string;
  rows: number;
  target: string;
  positiveLabel: string;
  negativeLabel: string;
  idColumn: string | null;
  inputs: InputColumn[];
  classCounts: Record<string, number>;
  /** Blank values per column that training imputes (e.g. Telco's TotalCharges: 11). */
  missing: { column: string; count: number; exampleRow: number }[];
  /** Blank values per categorical column, kept as a level of their own (absent in runs before it was counted). */
  categoryBlanks?: { column: string; count: number; exampleRow: number }[];
  profilePath: string;
  /** Findings that do not stop training but deserve a look, e.g. a feature that leaks the target. */
  warnings?: DataProblem[];
}

export interface TrainModelInput {
  modelName: string;
  data: ValidatedData;
  seed: number;
  /** Absent in runs before they existed: no calibration, the best-F1 threshold, unweighted classes. */
  calibration?: CalibrationMethod;
  thresholdObjective?: ThresholdObjective;
  classWeights?: ClassWeightsOption;
  /** Default logistic; auto trains both and keeps the one with the better validation ROC AUC. */
  algorithm?: 'logistic' | 'gbdt' | 'auto';
  gbdt?: GbdtOptions;
}

export interface TrainedModel {
  /** JSON file with the feature spec, coefficients, threshold and metrics. */
  trainedPath: string;
  trainedSha256: string;
  /** JSON file with the held-back test records and the probabilities the model gives them. */
  expectedPath: string;
  expectedSha256: string;
  /** JSON file with the drift baseline (monitoring/types.ts ModelBaseline). */
  baselinePath: string;
  baselineSha256: string;
  metrics: ClassificationMetrics;
  threshold: number;
  params: Record<string, unknown>;
  /** E.g. test rows that repeat training rows. */
  warnings?: DataProblem[];
}

export interface ExportModelInput {
  modelName: string;
  trained: TrainedModel;
}

export interface ExportedModel {
  onnxPath: string;
  onnxSha256: string;
  /** The PMML file of a logistic model (absent for other algorithms and older runs). */
  pmmlPath?: string;
  pmmlSha256?: string;
  checkedRows: number;
  maxAbsDiff: number;
}

export interface RegisterModelInput {
  modelName: string;
  dataUri: string;
  data: ValidatedData;
  trained: TrainedModel;
  exported: ExportedModel;
  /** The run's own options, stored in the version's params for retrains (absent in runs before they were). */
  options?: { minRocAuc: number; minRowsPerClass: number; algorithm?: string; promotion?: PromotionRule };
}

export interface RegisteredModel {
  version: number;
  artifactSha256: string;
  created: boolean;
}

export interface DeployModelInput {
  modelName: string;
  version: number;
}

export interface DeployOutcome {
  deployed: boolean;
  reason: string;
  smokeRows: number;
  maxAbsDiff: number | null;
  servingVersion: number | null;
}

/** What `rejectModel` leaves behind: the version that keeps serving, null when none does. */
export interface RejectedModel {
  servingVersion: number | null;
}

export interface RejectModelInput {
  modelName: string;
  version: number;
  reason: string;
}
