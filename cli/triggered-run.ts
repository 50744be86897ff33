import { ScheduleOverlapPolicy, type Client, type WorkflowHandle } from '@temporalio/client';

const POLL_MS = 300;
// How long a trigger may take to show up as a started run when nothing else runs; a buffered trigger
// behind a running action waits for that action instead, however long it takes.
const START_GRACE_MS = 60_000;

/**
 * Runs the schedule's action now. BUFFER_ONE: with a run in flight this one starts right after it,
 * never beside it (two monitors at once could both decide to retrain). Without a policy the SDK
 * triggers with ALLOW_ALL, whose runs the schedule does not even track for its own overlap rule.
 */
export function triggerSchedule(client: Client, scheduleId: string): Promise<void> {
  return client.schedule.getHandle(scheduleId).trigger(ScheduleOverlapPolicy.BUFFER_ONE);
}

/**
 * Triggers the schedule and returns the run that trigger started. The schedule names each run
 * `SCHEDULE_ID-TIME`, so the run is the action that was neither recent nor running before (a run
 * another client triggers in the same moment could be taken for it; both are runs of this schedule).
 */
export async function triggerAndFindRun(
  client: Client,
  scheduleId: string,
  say: (line: string) => void,
): Promise<WorkflowHandle> {
  const schedule = client.schedule.getHandle(scheduleId);
  const before = await schedule.describe();
  // By run: two triggers in the same second give their runs the same workflow id.
  const runKey = ({ workflow }: { workflow: { workflowId: string; firstExecutionRunId: string } }) =>
    `${workflow.workflowId}/${workflow.firstExecutionRunId}`;
  const known = new Set([
    ...before.info.recentActions.map((result) => runKey(result.action)),
    ...before.info.runningActions.map(runKey),
  ]);
  await triggerSchedule(client, scheduleId);
  let waitingSince = Date.now();
  let toldBusy = false;
  for (;;) {
    const now = await schedule.describe();
    const started = [...now.info.runningActions, ...now.info.recentActions.map((result) => result.action)].find(
      (action) => !known.has(runKey(action)),
    );
    if (started) return client.workflow.getHandle(started.workflow.workflowId, started.workflow.firstExecutionRunId);
    const busy = now.info.runningActions[0];
    if (busy) {
      if (!toldBusy) say(`${busy.workflow.workflowId} is still running; the triggered run starts when it ends`);
      toldBusy = true;
      waitingSince = Date.now();
    } else if (Date.now() - waitingSince > START_GRACE_MS) {
      throw new Error(`${scheduleId} started no run within ${START_GRACE_MS / 1000} s of the trigger`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
