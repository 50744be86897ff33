import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import {
  ApplicationFailure,
  executeChild,
  proxyActivities,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { MonitorActivities } from '../activities/monitor-activities';
import { ACTIVITY_RETRY as retry } from './activity-retry';
import type { MlLifecycleResult } from './lifecycle-types';
import type { mlLifecycle } from './ml-lifecycle';
import { ML_STEP, MODEL_NAME } from './search-attributes';

const { checkDataChanged } = proxyActivities<MonitorActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry,
});

export interface ScheduledRetrainInput {
  modelName: string;
  dataUri: string;
}

export interface ScheduledRetrainResult {
  modelName: string;
  skipped: boolean;
  reason: string;
  dataSha256: string;
  lifecycleWorkflowId?: string;
  lifecycle?: MlLifecycleResult;
}

/**
 * Batch retraining on a schedule: trains again only when the data changed, i.e. its sha256 is not
 * the one the serving version was trained on.
 */
export async function scheduledRetrain(input: ScheduledRetrainInput): Promise<ScheduledRetrainResult> {
  if (typeof input?.modelName !== 'string' || typeof input?.dataUri !== 'string') {
    throw ApplicationFailure.nonRetryable('scheduledRetrain input needs modelName and dataUri', 'InvalidInputError');
  }
  const { modelName, dataUri } = input;
  upsertSearchAttributes([
    { key: MODEL_NAME, value: modelName },
    { key: ML_STEP, value: 'retrain-check' },
  ]);
  const change = await checkDataChanged({ modelName, dataUri });
  if (!change.changed) {
    const reason = `data unchanged (sha256 ${change.dataSha256.slice(0, 12)}… is what v${change.servingVersion} was trained on); skipped`;
    setCurrentDetails(`**${modelName}**: ${reason}`);
    upsertSearchAttributes([{ key: ML_STEP, value: 'retrain-skipped' }]);
    return { modelName, skipped: true, reason, dataSha256: change.dataSha256 };
  }
  // One lifecycle per data version: the id is the data's sha256, so the same data never trains twice.
  const lifecycleWorkflowId = `${modelName}-data-${change.dataSha256.slice(0, 16)}`;
  setCurrentDetails(`**${modelName}**: data changed, running ${lifecycleWorkflowId}`);
  let lifecycle: MlLifecycleResult;
  try {
    lifecycle = await executeChild<typeof mlLifecycle>('mlLifecycle', {
      workflowId: lifecycleWorkflowId,
      args: [{ modelName, dataUri }],
      taskQueue: workflowInfo().taskQueue,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    const reason = `this data was already trained by ${lifecycleWorkflowId} without becoming the serving version; skipped`;
    upsertSearchAttributes([{ key: ML_STEP, value: 'retrain-skipped' }]);
    return { modelName, skipped: true, reason, dataSha256: change.dataSha256, lifecycleWorkflowId };
  }
  upsertSearchAttributes([{ key: ML_STEP, value: lifecycle.deployed ? 'retrained' : 'retrain-not-deployed' }]);
  return {
    modelName,
    skipped: false,
    reason: `data changed (was ${change.servingSha256?.slice(0, 12) ?? 'none'}…, now ${change.dataSha256.slice(0, 12)}…): ${lifecycle.reason}`,
    dataSha256: change.dataSha256,
    lifecycleWorkflowId,
    lifecycle,
  };
}
