import { resolve } from 'node:path';
import { loadConfig } from '../../shared/config';
import { retrainScheduleId } from '../../schedules/schedule-ids';
import { operateSchedule, upsertSchedule } from '../../schedules/upsert-schedule';
import type { ScheduledRetrainInput } from '../../workflows/scheduled-retrain';
import { connectClient } from '../temporal-connection';
import { scheduleOperation, type ScheduleFlags } from './schedule-flags';

export interface RetrainCommandOptions extends ScheduleFlags {
  model: string;
  data?: string;
  every: string;
}

/** `mlcycle retrain`: the Schedule retrain-NAME that retrains whenever the data at URI changes. */
export async function runRetrainCommand(options: RetrainCommandOptions): Promise<void> {
  const config = loadConfig();
  const scheduleId = retrainScheduleId(options.model);
  const operation = scheduleOperation(options);
  const client = await connectClient(config);
  try {
    if (operation) {
      await operateSchedule(client, scheduleId, operation);
      console.log(`${scheduleId}: ${operation} done`);
      return;
    }
    if (!options.data) throw new Error('--data URI is required to create the retrain schedule');
    const dataUri = options.data.startsWith('file://') ? options.data : resolve(options.data);
    const input: ScheduledRetrainInput = { modelName: options.model, dataUri };
    const outcome = await upsertSchedule(client, {
      scheduleId,
      every: options.every,
      workflowType: 'scheduledRetrain',
      args: [input],
      taskQueue: config.taskQueue,
      note: `retrain ${options.model} on ${dataUri} every ${options.every} when it changes`,
    });
    console.log(`${scheduleId} ${outcome}: scheduledRetrain of ${dataUri} every ${options.every}`);
  } finally {
    await client.connection.close();
  }
}
