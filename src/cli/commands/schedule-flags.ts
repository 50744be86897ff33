import type { Client } from '@temporalio/client';
import { loadConfig, type MlcycleConfig } from '../../shared/config';
import { operateSchedule, type ScheduleOperation } from '../../schedules/upsert-schedule';
import { connectClient } from '../temporal-connection';

export interface ScheduleFlags {
  pause?: boolean;
  resume?: boolean;
  trigger?: boolean;
  delete?: boolean;
}

/** At most one of --pause, --resume, --trigger, --delete; none means create or update. */
export function scheduleOperation(flags: ScheduleFlags): ScheduleOperation | undefined {
  const chosen = (['pause', 'resume', 'trigger', 'delete'] as const).filter((op) => flags[op]);
  if (chosen.length > 1) throw new Error(`choose one of --${chosen.join(', --')}`);
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
  const operation = scheduleOperation(flags);
  const client = await connectClient(config);
  try {
    if (operation) {
      await operateSchedule(client, scheduleId, operation);
      console.log(`${scheduleId}: ${operation} done`);
    } else {
      console.log(await upsert(client, config));
    }
  } finally {
    await client.connection.close();
  }
}
