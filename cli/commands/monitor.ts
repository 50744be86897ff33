import { readFileSync } from 'node:fs';
import { resolveDriftConfig } from '../../monitoring/drift/config';
import { monitorScheduleId } from '../../schedules/schedule-ids';
import { upsertSchedule } from '../../schedules/upsert-schedule';
import {
  DRIFT_MONITOR_DEFAULTS as DEFAULTS,
  type DriftConfigOverrides,
  type DriftMonitorRequest,
  DriftMonitorInputSchema,
  type RetrainPolicy,
} from '../../contracts';
import { checkModelName, checkWorkflowInput, duration, localDataFile, nonNegativeInteger } from '../check-input';

/** The flag of each `driftMonitor` input field, for messages. */
const MONITOR_FLAGS: Record<string, string> = {
  modelName: '--model',
  retrain: '--no-retrain',
  retrainPolicy: '--retrain-policy',
  cooldown: '--cooldown',
  config: '--config',
  minRows: '--min-rows',
  minNewLabelled: '--min-new-labelled',
};
import { runScheduleCommand, type ScheduleFlags } from './schedule-flags';

export interface MonitorCommandOptions extends ScheduleFlags {
  model: string;
  every: string;
  cooldown?: string;
  retrain: boolean;
  retrainPolicy: string;
  retrainData?: string;
  config?: string;
  minRows?: string;
  minNewLabelled?: string;
}

/** `mlcycle monitor`: creates, updates or operates the Temporal Schedule drift-monitor-NAME. */
export async function runMonitorCommand(options: MonitorCommandOptions): Promise<void> {
  const scheduleId = monitorScheduleId(checkModelName(options.model));
  await runScheduleCommand(scheduleId, options, async (client, config) => {
    const input: DriftMonitorRequest = {
      modelName: options.model,
      retrain: options.retrain,
      retrainPolicy: retrainPolicy(options),
      ...(options.cooldown ? { cooldown: duration(options.cooldown, '--cooldown') } : {}),
      ...(options.config ? { config: readDriftConfig(options.config) } : {}),
      ...(options.minRows ? { minRows: nonNegativeInteger(options.minRows, '--min-rows') } : {}),
      ...(options.minNewLabelled
        ? { minNewLabelled: nonNegativeInteger(options.minNewLabelled, '--min-new-labelled') }
        : {}),
    };
    checkWorkflowInput('driftMonitor', DriftMonitorInputSchema, input, MONITOR_FLAGS);
    const outcome = await upsertSchedule(client, {
      scheduleId,
      every: options.every,
      workflowType: 'driftMonitor',
      args: [input],
      taskQueue: config.taskQueue,
      note: `drift monitor of ${options.model} every ${options.every}`,
    });
    return `${scheduleId} ${outcome}: driftMonitor every ${options.every} (overlap SKIP, pause on failure); ${monitorSettings(input)}`;
  });
}

/**
 * Every setting the schedule now runs with. An update sets them all from the flags given, defaults for
 * the rest, so the line shows what a flag left out went back to (e.g. the drift config).
 */
export function monitorSettings(input: DriftMonitorRequest): string {
  const policy = input.retrainPolicy ?? { mode: 'original+labelled' };
  const data = policy.mode === 'dataUri' ? policy.dataUri : `${policy.mode} data`;
  const retrain =
    input.retrain === false
      ? 'no retraining'
      : `retrain on drift with ${data}, cooldown ${input.cooldown ?? DEFAULTS.cooldown}` +
        (policy.mode === 'original+labelled'
          ? `, at least ${input.minNewLabelled ?? DEFAULTS.minNewLabelled} new labelled records`
          : '');
  const config = input.config ? `drift settings ${JSON.stringify(input.config)}` : 'default drift settings';
  return `${retrain}; min rows ${input.minRows ?? DEFAULTS.minRows}; ${config}`;
}

/** Reads a JSON file of drift settings and checks it now, rather than failing every scheduled run later. */
function readDriftConfig(path: string): DriftConfigOverrides {
  let overrides: DriftConfigOverrides;
  try {
    overrides = JSON.parse(readFileSync(path, 'utf8')) as DriftConfigOverrides;
    resolveDriftConfig(overrides);
  } catch (err) {
    throw new Error(`--config ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return overrides;
}

function retrainPolicy(options: MonitorCommandOptions): RetrainPolicy {
  if (options.retrainData) return { mode: 'dataUri', dataUri: localDataFile(options.retrainData, '--retrain-data') };
  if (options.retrainPolicy === 'original' || options.retrainPolicy === 'original+labelled') {
    return { mode: options.retrainPolicy };
  }
  throw new Error(`--retrain-policy must be "original" or "original+labelled", got "${options.retrainPolicy}"`);
}
