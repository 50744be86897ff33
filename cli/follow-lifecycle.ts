import type { WorkflowHandle } from '@temporalio/client';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { mlLifecycle } from '../workflows';
import type { MlLifecycleProgress, MlLifecycleResult } from '../contracts';

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
  let done = false;
  const printProgress = async (): Promise<void> => {
    const progress = await handle.query<MlLifecycleProgress>('progress').catch(() => undefined);
    const line = progress ? progressLine(progress) : '';
    if (line && line !== last) {
      write(line);
      last = line;
    }
  };
  const poll = async (): Promise<void> => {
    while (!done) {
      await printProgress();
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  };
  const polling = poll();
  try {
    const result = await handle.result();
    done = true;
    await polling;
    // Fast steps can finish between polls; the last line always shows the final state.
    await printProgress();
    return result;
  } catch (err) {
    throw new Error(describeFailure(err));
  } finally {
    done = true;
    await polling;
  }
}

export function progressLine(progress: MlLifecycleProgress): string {
  const steps = progress.steps.map((s) => `${s.step}:${s.status}`).join(' ');
  const running = progress.steps.find((s) => s.status === 'running' || s.status === 'failed');
  const lastDone = [...progress.steps].reverse().find((s) => s.status === 'done');
  const detail = running?.detail ?? lastDone?.detail ?? '';
  return `[${progress.modelName}${progress.version ? ` v${progress.version}` : ''}] ${steps}${detail ? ` — ${detail}` : ''}`;
}

/** A failed run's failure chain, one cause a line, with each failure's type. */
export function describeFailure(err: unknown): string {
  if (!(err instanceof WorkflowFailedError)) return err instanceof Error ? err.message : String(err);
  const chain: string[] = [];
  let cause: unknown = err.cause;
  while (cause instanceof Error) {
    const type = cause instanceof ApplicationFailure && cause.type ? `${cause.type}: ` : '';
    chain.push(`${type}${cause.message}`);
    cause = cause.cause;
  }
  return `workflow failed\n${chain.join('\n  caused by ')}`;
}
