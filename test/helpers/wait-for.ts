import { setTimeout as delay } from 'node:timers/promises';

export interface WaitForOptions {
  /** How long the condition may take before the wait fails; a bound, not a guess at how long it takes. */
  timeoutMs?: number;
  /** Pause between checks. */
  intervalMs?: number;
  /** What is awaited, for the error when it never comes; a function to describe the state at that moment. */
  what?: string | (() => string);
}

/**
 * Checks `condition` until it holds, for state another process or a timer changes and nothing can await:
 * returns as soon as it holds, fails naming `what` once `timeoutMs` has passed without it.
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  { timeoutMs = 10_000, intervalMs = 10, what = 'the condition' }: WaitForOptions = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`);
    }
    await delay(intervalMs);
  }
}
