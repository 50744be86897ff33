import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { durationToMs } from '../core/duration';

export interface ScheduleDefinition {
  scheduleId: string;
  /** Interval like '1h' or '7d'. */
  every: string;
  workflowType: 'driftMonitor' | 'scheduledRetrain' | 'batchScore';
  args: unknown[];
  taskQueue: string;
  note: string;
}

/**
 * Creates the schedule, or updates it in place when it exists. Runs never overlap (SKIP: a slow
 * monitor, retrain or batch run is not stacked up behind, and two batch runs never write one output), missed runs are caught up only within one interval
 * (after downtime, one run, not a burst), and a failing run pauses the schedule until someone looks.
 */
export async function upsertSchedule(
  client: Client,
  definition: ScheduleDefinition,
  options: { keepExisting?: boolean } = {},
): Promise<'created' | 'updated' | 'kept'> {
  const every = checkInterval(definition.every);
  const spec = { intervals: [{ every }] };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: definition.workflowType,
    args: definition.args,
    taskQueue: definition.taskQueue,
    workflowId: definition.scheduleId,
    staticSummary: definition.note,
  };
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: every, pauseOnFailure: true };
  try {
    await client.schedule.create({
      scheduleId: definition.scheduleId,
      spec,
      action,
      policies,
      state: { note: definition.note },
    });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    if (options.keepExisting) return 'kept';
    await client.schedule.getHandle(definition.scheduleId).update((previous) => ({
      ...previous,
      spec,
      action,
      policies,
      state: { ...previous.state, note: definition.note },
    }));
    return 'updated';
  }
}

export type ScheduleOperation = 'pause' | 'resume' | 'trigger' | 'delete';

export async function operateSchedule(client: Client, scheduleId: string, operation: ScheduleOperation): Promise<void> {
  const handle = client.schedule.getHandle(scheduleId);
  switch (operation) {
    case 'pause':
      return handle.pause('paused from the mlcycle CLI');
    case 'resume':
      return handle.unpause('resumed from the mlcycle CLI');
    case 'trigger':
      // Without a policy the SDK triggers with ALLOW_ALL, not the schedule's SKIP, and two monitors at
      // once could both decide to retrain; BUFFER_ONE runs the triggered one after any run in flight.
      return handle.trigger(ScheduleOverlapPolicy.BUFFER_ONE);
    case 'delete':
      return handle.delete();
  }
}

function checkInterval(every: string): Duration {
  const millis = durationToMs(every);
  if (!(millis >= 1000)) throw new Error(`--every "${every}" is not an interval like 30m, 1h or 7d`);
  return every as Duration;
}
