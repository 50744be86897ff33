import type { NativeConnection } from '@temporalio/worker';
import { Worker } from '@temporalio/worker';
import type { ActivityDeps } from '../activities';
import { createOnlineActivities } from '../activities/online';
import { createStreamActivities } from '../activities/stream';
import { streamTaskQueueOf } from '../contracts/stream';

export interface StreamWorkerOptions extends ActivityDeps {
  connection: NativeConnection;
  namespace: string;
  /** The main task queue: the consumers poll its stream queue. */
  taskQueue: string;
}

/**
 * Runs the stream consumers of `streamScore` and the learn calls of `onlineTraining` on their own queue. A consumer lives as
 * long as its stream and is mostly waiting on the broker: its slots are apart from the main queue's,
 * where the CPU-bound work (training, batch chunks) is capped.
 */
export function createStreamWorker(options: StreamWorkerOptions): Promise<Worker> {
  const { connection, namespace, taskQueue, ...deps } = options;
  return Worker.create({
    connection,
    namespace,
    taskQueue: streamTaskQueueOf(taskQueue),
    // Online training's learn calls too: mostly waiting on a broker or the log, like a consumer.
    activities: { ...createStreamActivities(deps), ...createOnlineActivities(deps) },
    maxConcurrentActivityTaskExecutions: 16,
    // Cancellation reaches an activity only in the answer to a heartbeat: a stream stops within 2 s, not 24.
    maxHeartbeatThrottleInterval: '2 seconds',
  });
}
