import { ParentClosePolicy, proxyActivities, startChild, workflowInfo } from '@temporalio/workflow';
import type { MonitorActivities } from '../activities/monitor-activities';
import { ACTIVITY_RETRY as retry } from './activity-retry';
import type { RetrainPolicy } from '../contracts';
import type { mlLifecycle } from './ml-lifecycle';

const { prepareRetrainData } = proxyActivities<MonitorActivities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '1 minute',
  retry,
});

/**
 * How `driftMonitor` retrained before it waited for the retrain's outcome, kept unchanged for the runs
 * that started then (they must replay the same commands): starts the child and leaves it running.
 */
export async function startRetrainLegacy(
  modelName: string,
  version: number,
  to: string,
  policy: RetrainPolicy,
): Promise<{ retrainWorkflowId: string; reason: string }> {
  const data = await prepareRetrainData({ modelName, version, policy, windowTo: to });
  const retrainWorkflowId = `${modelName}-retrain-${to.replace(/[:.]/g, '-')}`;
  await startChild<typeof mlLifecycle>('mlLifecycle', {
    workflowId: retrainWorkflowId,
    args: [{ modelName, dataUri: data.dataUri }],
    parentClosePolicy: ParentClosePolicy.ABANDON,
    taskQueue: workflowInfo().taskQueue,
  });
  return {
    retrainWorkflowId,
    reason: `retraining on ${data.rows} rows (${data.liveRows} labelled live records) as ${retrainWorkflowId}`,
  };
}
