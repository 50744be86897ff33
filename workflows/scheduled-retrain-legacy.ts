import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import { executeChild, setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { DataChange } from '../contracts/monitor-activities';
import type { MlLifecycleResult } from '../contracts';
import type { mlLifecycle } from './ml-lifecycle';
import type { ScheduledRetrainInput, ScheduledRetrainResult } from '../contracts';
import { ML_STEP } from './search-attributes';

/**
 * `scheduledRetrain` as it was before it reused the version's options, kept unchanged for the runs
 * that started then (they must replay the same commands).
 */
export async function legacyRetrain(input: ScheduledRetrainInput, change: DataChange): Promise<ScheduledRetrainResult> {
  const { modelName, dataUri } = input;
  if (!change.changed) {
    const reason = `data unchanged (sha256 ${change.dataSha256.slice(0, 12)}… is what v${change.servingVersion} was trained on); skipped`;
    setCurrentDetails(`**${modelName}**: ${reason}`);
    upsertSearchAttributes([{ key: ML_STEP, value: 'retrain-skipped' }]);
    return { modelName, skipped: true, reason, dataSha256: change.dataSha256 };
  }
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
