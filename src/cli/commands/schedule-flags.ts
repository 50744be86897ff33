import type { ScheduleOperation } from '../../schedules/upsert-schedule';

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
