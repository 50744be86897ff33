import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import assert from 'node:assert/strict';

export interface FailedProblem {
  code: string;
  column?: string;
  row?: number;
}

/**
 * The typed failure a run ended with through one of its activities (the whole chain asserted on the
 * way: workflow failed, because an activity failed, with an ApplicationFailure) and the problems it lists.
 */
export async function activityFailureOf(
  handle: WorkflowHandle,
): Promise<{ failure: ApplicationFailure; problems: FailedProblem[] }> {
  const error = await handle.result().then(
    () => assert.fail('the run should fail'),
    (err: unknown) => err,
  );
  assert.ok(error instanceof WorkflowFailedError);
  assert.ok(error.cause instanceof ActivityFailure);
  const failure = error.cause.cause;
  assert.ok(failure instanceof ApplicationFailure);
  const problems = (failure.details?.[0] as { problems?: FailedProblem[] } | undefined)?.problems ?? [];
  return { failure, problems };
}
