import { Type, type Static } from 'typebox';
import { DataUri, ModelName } from './common';
import { TrainingOptions } from './lifecycle';
import type { MlLifecycleResult } from './lifecycle';

/** What a caller may set differently from the version being replaced. */
export const RetrainOverridesSchema = TrainingOptions;
export type RetrainOverrides = Static<typeof RetrainOverridesSchema>;

/**
 * `scheduledRetrain` input: plain JSON. The retrain reuses the serving version's target, positive
 * label, id column, seed and gate; the optional fields override them.
 */
export const ScheduledRetrainInputSchema = Type.Object({
  modelName: ModelName,
  dataUri: DataUri,
  ...TrainingOptions.properties,
});
export type ScheduledRetrainInput = Static<typeof ScheduledRetrainInputSchema>;

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
