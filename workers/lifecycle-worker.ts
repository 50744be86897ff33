import type { NativeConnection, WorkflowBundleOption } from '@temporalio/worker';
import { Worker } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { loadWorkflowBundle } from './workflow-bundle';

export interface LifecycleWorkerOptions extends ActivityDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  workflowBundle?: WorkflowBundleOption;
}

export async function createLifecycleWorker(options: LifecycleWorkerOptions): Promise<Worker> {
  const { connection, namespace, taskQueue, workflowBundle, ...deps } = options;
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    workflowBundle: workflowBundle ?? (await loadWorkflowBundle()),
    activities: createActivities(deps),
    // Training is CPU-bound: on a 2-core box more at once would only slow each other and starve heartbeats.
    maxConcurrentActivityTaskExecutions: 2,
    // Cancellation reaches an activity only in the answer to a heartbeat: a cancelled batch's chunks stop within 2 s, not 24.
    maxHeartbeatThrottleInterval: '2 seconds',
  });
}
