import type { DriftConfig, DriftTest } from '../monitoring/types';
import type { MonitorDecision } from '../registry/monitor-runs';

/** What driftMonitor uses for a field its input leaves out (the CLI shows them too). */
export const DRIFT_MONITOR_DEFAULTS = { cooldown: '6h', minRows: 100, minNewLabelled: 100 } as const;

/** Which data a drift-triggered retrain trains on. */
export type RetrainPolicy =
  /** The serving version's own training data. */
  | { mode: 'original' }
  /** The serving version's training data plus every live record that has feedback (the default). */
  | { mode: 'original+labelled' }
  /** A new data set. */
  | { mode: 'dataUri'; dataUri: string };

export type DriftConfigOverrides = Partial<Omit<DriftConfig, 'performance'>> & {
  performance?: Partial<DriftConfig['performance']>;
};

/** `driftMonitor` input (CONTRACT.md): plain JSON. */
export interface DriftMonitorInput {
  modelName: string;
  /** ISO times; default: from the previous run's `to` until now. */
  from?: string;
  to?: string;
  /** Start a retrain on drift (default true). */
  retrain?: boolean;
  /** No second drift-triggered retrain within this long of the last (default '6h'). */
  cooldown?: string;
  retrainPolicy?: RetrainPolicy;
  config?: DriftConfigOverrides;
  /** Below this many logged rows in the window nothing is tested (default 100). */
  minRows?: number;
  /**
   * Under the `original+labelled` policy: no retrain with fewer new labelled live records than this
   * (default 100); the decision is then `drift-too-few-labels`.
   */
  minNewLabelled?: number;
}

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

export interface DriftMonitorResult {
  modelName: string;
  version: number | null;
  drifted: boolean;
  dataDrift: boolean;
  driftShare: number;
  features: FeatureVerdict[];
  prediction?: FeatureVerdict;
  /** Realised performance on the labels that arrived in `labelSpan`, for predictions made in `predictionSpan`. */
  performance?: {
    labelled: number;
    /** Of `labelled`, predictions from before the window whose label came later. */
    late?: number;
    rocAuc: number | null;
    drifted: boolean;
    predictionSpan?: { from: string; to: string };
    labelSpan?: { from: string; to: string };
  };
  window: { rows: number; from: string | null; to: string };
  decision: MonitorDecision;
  reason: string;
  retrainWorkflowId?: string;
  retrain?: DriftRetrainSummary;
  reportPath?: string;
}
