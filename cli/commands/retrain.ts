import { retrainScheduleId } from '../../schedules/schedule-ids';
import { upsertSchedule } from '../../schedules/upsert-schedule';
import { type RetrainOverrides, type ScheduledRetrainInput, ScheduledRetrainInputSchema } from '../../contracts';
import { checkModelName, checkWorkflowInput, localDataFile } from '../check-input';
import { LIFECYCLE_FLAGS } from './train';
import { runScheduleCommand, type ScheduleFlags } from './schedule-flags';

export interface RetrainCommandOptions extends ScheduleFlags {
  model: string;
  data?: string;
  every: string;
  target?: string;
  positiveLabel?: string;
  idColumn?: string;
  seed?: string;
  minRocAuc?: string;
  algorithm?: string;
  /** false with --no-deploy. */
  deploy?: boolean;
}

/** `mlcycle retrain`: the Schedule retrain-NAME that retrains whenever the data at URI changes. */
export async function runRetrainCommand(options: RetrainCommandOptions): Promise<void> {
  const scheduleId = retrainScheduleId(checkModelName(options.model));
  await runScheduleCommand(scheduleId, options, async (client, config) => {
    if (!options.data) throw new Error('--data URI is required to create the retrain schedule');
    const dataUri = localDataFile(options.data);
    const input = checkWorkflowInput<ScheduledRetrainInput>(
      'scheduledRetrain',
      ScheduledRetrainInputSchema,
      { modelName: options.model, dataUri, ...retrainOverrides(options) },
      LIFECYCLE_FLAGS,
    );
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

/** Only the flags given: the rest comes from the serving version when the schedule runs. */
export function retrainOverrides(options: RetrainCommandOptions): RetrainOverrides {
  const number = (flag: string, value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isFinite(parsed)) throw new Error(`${flag} must be a number, got "${value}"`);
    return parsed;
  };
  const { algorithm } = options;
  if (algorithm !== undefined && algorithm !== 'logistic' && algorithm !== 'gbdt' && algorithm !== 'auto') {
    throw new Error(`--algorithm must be "logistic", "gbdt" or "auto", got "${algorithm}"`);
  }
  const seed = number('--seed', options.seed);
  const minRocAuc = number('--min-roc-auc', options.minRocAuc);
  return {
    ...(options.target ? { target: options.target } : {}),
    ...(options.positiveLabel ? { positiveLabel: options.positiveLabel } : {}),
    ...(options.idColumn ? { idColumn: options.idColumn } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(minRocAuc !== undefined ? { minRocAuc } : {}),
    ...(algorithm ? { algorithm } : {}),
    ...(options.deploy === false ? { deploy: false } : {}),
  };
}
