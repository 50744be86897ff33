import type { MlLifecycleInput } from './lifecycle';
import type { DriftConfigOverrides, DriftMonitorResult, MonitorDecision, RetrainPolicy } from './monitor';

// Inputs and results of the activities of driftMonitor and scheduledRetrain.

export interface MonitorStateInput {
  modelName: string;
}

export interface MonitorState {
  servingVersion: number | null;
  /** The latest `to` of any earlier monitor run: where this window starts by default. */
  lastWindowTo: string | null;
  /** When the latest monitor-started retrain that registered a version was recorded: the cooldown counts from it. */
  lastRetrainAt: string | null;
  lastRetrainWorkflowId: string | null;
}

export interface DriftCheckInput {
  modelName: string;
  version: number;
  from: string | null;
  to: string;
  config?: DriftConfigOverrides;
  minRows: number;
}

/**
 * The drift report's verdicts, without histograms; the full report is in the files. Its field
 * `dataDrift` keeps that name: recorded histories hold it, and the workflow reports it as `datasetDrift`.
 */
export type DriftCheckResult = Pick<
  DriftMonitorResult,
  'drifted' | 'dataDrift' | 'driftShare' | 'features' | 'prediction' | 'performance' | 'window'
> & { summary: string; reportPath: string | null; jsonPath: string | null };

export interface PrepareRetrainDataInput {
  modelName: string;
  version: number;
  policy: RetrainPolicy;
  windowTo: string;
  /**
   * Under `original+labelled`: with fewer new labelled live records than this, nothing is written and
   * the result says `tooFewLabelled` (default 0: any number will do).
   */
  minNewLabelled?: number;
}

export interface RetrainData {
  dataUri: string;
  rows: number;
  /** New labelled live records in the data: ones the version's own training data does not hold yet. */
  liveRows: number;
  /** Labelled live records left out because the version's data already holds them (an earlier retrain added them). */
  knownLiveRows?: number;
  /** Fewer new labelled records than `minNewLabelled`: no file was written and no retrain should start. */
  tooFewLabelled?: boolean;
}

/** The `mlLifecycle` options a retrain reuses from the version it replaces. */
export type RetrainOptions = Pick<
  MlLifecycleInput,
  | 'target'
  | 'positiveLabel'
  | 'idColumn'
  | 'seed'
  | 'algorithm'
  | 'gbdt'
  | 'minRocAuc'
  | 'minRowsPerClass'
  | 'calibration'
  | 'thresholdObjective'
  | 'classWeights'
  | 'promotion'
> & { fromVersion: number };

export interface RetrainOptionsInput {
  modelName: string;
  /** Default: the serving version, else the latest registered one. */
  version?: number;
}

/** A monitor run's outcome; the activity adds the workflow run and the time. */
export interface RecordMonitorRunInput {
  modelName: string;
  version: number;
  windowFrom: string | null;
  windowTo: string;
  rows: number;
  drifted: boolean;
  decision: MonitorDecision;
  retrainWorkflowId: string | null;
  reportPath: string | null;
  /** Absent in runs scheduled before the reason was recorded. */
  reason?: string;
}

export interface DataChangeInput {
  modelName: string;
  dataUri: string;
}

export interface DataChange {
  changed: boolean;
  dataSha256: string;
  servingSha256: string | null;
  servingVersion: number | null;
  /** The latest version registered from exactly this data (serving or not), and what became of it. */
  trained?: { version: number; serving: boolean; outcome: string | null };
}
