import type { WorkflowHandle } from '@temporalio/client';
import type { mlLifecycle } from '../workflows';
import type { MlLifecycleProgress, MlLifecycleResult } from '../contracts';
import { followRun } from './follow-run';

const POLL_MS = 300;

/**
 * Prints one line per step change while the run goes on (from the `progress` query) and returns
 * its result; a failed run throws an Error whose message is the failure chain, problems included.
 */
export async function followLifecycle(
  handle: WorkflowHandle<typeof mlLifecycle>,
  write: (line: string) => void,
): Promise<MlLifecycleResult> {
  let last = '';
  return followRun<MlLifecycleProgress, MlLifecycleResult>(
    handle,
    (progress) => {
      // Fast steps can finish between polls; the last line always shows the final state.
      const line = progressLine(progress);
      if (line && line !== last) {
        write(line);
        last = line;
      }
    },
    POLL_MS,
  );
}

export function progressLine(progress: MlLifecycleProgress): string {
  const steps = progress.steps.map((s) => `${s.step}:${s.status}`).join(' ');
  const running = progress.steps.find((s) => s.status === 'running' || s.status === 'failed');
  const lastDone = [...progress.steps].reverse().find((s) => s.status === 'done');
  const detail = running?.detail ?? lastDone?.detail ?? '';
  return `[${progress.modelName}${progress.version ? ` v${progress.version}` : ''}] ${steps}${detail ? ` — ${detail}` : ''}`;
}
