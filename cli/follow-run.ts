import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';

/**
 * Polls the run's `progress` query every `pollMs` and hands each answer to `show` until the run ends,
 * then shows the final state once more (a run shorter than one poll still ends on it) and returns the
 * result. A failed run throws an Error whose message is the failure chain, problems included.
 */
export async function followRun<Progress, Result>(
  handle: WorkflowHandle,
  show: (progress: Progress) => void,
  pollMs: number,
): Promise<Result> {
  let done = false;
  const showProgress = async (): Promise<void> => {
    // Fails until a worker has run the first workflow task, and after the run has closed on an old server.
    const progress = await handle.query<Progress>('progress').catch(() => undefined);
    if (progress !== undefined) show(progress);
  };
  const poll = async (): Promise<void> => {
    while (!done) {
      await showProgress();
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  };
  const polling = poll();
  try {
    const result = (await handle.result()) as Result;
    done = true;
    await polling;
    await showProgress();
    return result;
  } catch (err) {
    throw new Error(describeFailure(err));
  } finally {
    done = true;
    await polling;
  }
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
