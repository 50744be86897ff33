import type { MlLifecycleResult } from './lifecycle-types';
import type { RetrainOverrides } from './retrain-input';

/**
 * `scheduledRetrain` input: plain JSON. The retrain reuses the serving version's target, positive
 * label, id column, seed and gate; the optional fields override them.
 */
export interface ScheduledRetrainInput extends RetrainOverrides {
  modelName: string;
  dataUri: string;
}

/**
 * `skipped`: a version was already registered from this data; `retrained`: the new version serves;
 * `not-deployed`: registered but kept from serving; `failed`: the lifecycle failed before registering.
 */
export type ScheduledRetrainOutcome = 'skipped' | 'retrained' | 'not-deployed' | 'failed';

export interface ScheduledRetrainResult {
  modelName: string;
  skipped: boolean;
  /** Absent in results of runs before outcomes were reported. */
  outcome?: ScheduledRetrainOutcome;
  reason: string;
  dataSha256: string;
  lifecycleWorkflowId?: string;
  lifecycle?: MlLifecycleResult;
}
