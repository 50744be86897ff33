import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import { loadConfig, type MlcycleConfig } from '../../core/config';
import { operateSchedule, type ScheduleOperation } from '../../schedules/upsert-schedule';
import { describeRunResult, runResultFailed } from '../run-results';
import { connectClient } from '../temporal-connection';
import { triggerAndFindRun, triggerSchedule } from '../triggered-run';
import { commandConsole } from '../console';
import { describeFailure } from '../follow-run';
import { workflowRunUrl } from '../ui-links';

export interface ScheduleFlags {
  pause?: boolean;
  resume?: boolean;
  trigger?: boolean;
  delete?: boolean;
  /** With --trigger: wait for the run it started and print what it did. */
  wait?: boolean;
}

/** At most one of --pause, --resume, --trigger, --delete; none means create or update. */
export function scheduleOperation(flags: ScheduleFlags): ScheduleOperation | undefined {
  const chosen = (['pause', 'resume', 'trigger', 'delete'] as const).filter((op) => flags[op]);
  if (chosen.length > 1) throw new Error(`choose one of --${chosen.join(', --')}`);
  if (flags.wait && chosen[0] !== 'trigger') throw new Error('--wait goes with --trigger');
  return chosen[0];
}

/**
 * What `monitor` and `retrain` share: with an operation flag, operate the schedule; without one,
 * `upsert` creates or updates it and returns the line to print.
 */
export async function runScheduleCommand(
  scheduleId: string,
  flags: ScheduleFlags,
  upsert: (client: Client, config: MlcycleConfig) => Promise<string>,
): Promise<void> {
  const config = loadConfig();
  const out = commandConsole();
  const operation = scheduleOperation(flags);
  const client = await connectClient(config);
  try {
    if (operation) await assertScheduleExists(client, scheduleId);
    if (operation === 'trigger' && flags.wait) {
      await triggerAndWait(client, config, scheduleId);
    } else if (operation === 'trigger') {
      await triggerSchedule(client, scheduleId);
      out.info(`${scheduleId}: trigger done`);
    } else if (operation) {
      await operateSchedule(client, scheduleId, operation);
      out.info(`${scheduleId}: ${operation} done`);
    } else {
      out.info(await upsert(client, config));
    }
  } finally {
    await client.connection.close();
  }
}

async function assertScheduleExists(client: Client, scheduleId: string): Promise<void> {
  await client.schedule
    .getHandle(scheduleId)
    .describe()
    .catch((err: unknown) => {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
      throw new Error(
        `there is no schedule ${scheduleId}; create it first (the same command without an operation flag)`,
      );
    });
}

/** --trigger --wait: prints the run's link, then what it decided; a failed run throws its failure chain. */
async function triggerAndWait(client: Client, config: MlcycleConfig, scheduleId: string): Promise<void> {
  const out = commandConsole();
  const handle = await triggerAndFindRun(client, scheduleId, (line) => out.info(line));
  const { type, runId } = await handle.describe();
  out.info(
    `${scheduleId}: started ${type} ${handle.workflowId}: ${workflowRunUrl(config.uiBaseUrl, config.namespace, handle.workflowId, runId)}`,
  );
  let result: unknown;
  try {
    result = await handle.result();
  } catch (err) {
    throw new Error(`${type} ${handle.workflowId} ${describeFailure(err)}`);
  }
  for (const line of describeRunResult(type, result)) out.info(line);
  if (runResultFailed(type, result)) process.exitCode = 1;
}
