import { retrainScheduleId } from '../../schedules/schedule-ids';
import { upsertSchedule } from '../../schedules/upsert-schedule';
import type { ScheduledRetrainInput } from '../../workflows/scheduled-retrain';
import { checkModelName, localDataFile } from '../check-input';
import { runScheduleCommand, type ScheduleFlags } from './schedule-flags';

export interface RetrainCommandOptions extends ScheduleFlags {
  model: string;
  data?: string;
  every: string;
}

/** `mlcycle retrain`: the Schedule retrain-NAME that retrains whenever the data at URI changes. */
export async function runRetrainCommand(options: RetrainCommandOptions): Promise<void> {
  const scheduleId = retrainScheduleId(checkModelName(options.model));
  await runScheduleCommand(scheduleId, options, async (client, config) => {
    if (!options.data) throw new Error('--data URI is required to create the retrain schedule');
    const dataUri = localDataFile(options.data);
    const input: ScheduledRetrainInput = { modelName: options.model, dataUri };
    const outcome = await upsertSchedule(client, {
      scheduleId,
      every: options.every,
      workflowType: 'scheduledRetrain',
      args: [input],
      taskQueue: config.taskQueue,
      note: `retrain ${options.model} on ${dataUri} every ${options.every} when it changes`,
    });
    return `${scheduleId} ${outcome}: scheduledRetrain of ${dataUri} every ${options.every}`;
  });
}
