import type { ClassificationMetrics } from '../models/types';

/** `mlLifecycle` input (CONTRACT.md): plain JSON, so the Temporal CLI can start it. */
export interface MlLifecycleInput {
  modelName: string;
  /** Absolute path or file:// URI of a CSV with a header row. */
  dataUri: string;
  target?: string;
  positiveLabel?: string;
  idColumn?: string;
  algorithm?: 'logistic' | 'auto' | 'gbdt';
  seed?: number;
  /** Minimum rows of each class for the data to be usable (default 20). */
  minRowsPerClass?: number;
  /** Promotion gate: the new version is deployed only if its test ROC AUC reaches this (default 0.6). */
  minRocAuc?: number;
  /** Set false to register without rolling out. */
  deploy?: boolean;
  /** Most distinct values a categorical column may have (default 300). */
  maxCategories?: number;
  /** Most model features, one per numeric column plus one per category level (default 500). */
  maxFeatures?: number;
}

export type LifecycleStep = 'validate' | 'train' | 'export' | 'register' | 'deploy';

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
  servingVersion: number | null;
  /** Findings that did not stop the run but deserve a look: target-leak suspects, rows shared by train and test. */
  warnings: string[];
}
