import type { WorkflowHandle } from '@temporalio/client';
import type { BatchScoreProgress, BatchScoreResult } from '../contracts/batch';
import { progressBar, progressLine } from './batch-progress';
import { followRun } from './follow-run';

const POLL_MS = 250;

/** Where progress goes: a bar redrawn in place on a terminal, one line a step otherwise. */
export interface ProgressDisplay {
  show(progress: BatchScoreProgress): void;
  /** Ends the display so the next line starts clean. */
  finish(): void;
}

/**
 * On a terminal, one bar redrawn in place on `stream`; piped or redirected, a plain line whenever the
 * phase or the number of finished chunks changes (a log of 1,000 redraws helps nobody).
 */
export function progressDisplay(stream: NodeJS.WriteStream, writeLine: (line: string) => void): ProgressDisplay {
  if (stream.isTTY) {
    let drawn = '';
    return {
      show(progress) {
        const bar = progressBar(progress, stream.columns || 100);
        if (bar === drawn) return;
        stream.write(`\r\x1b[2K${bar}`);
        drawn = bar;
      },
      finish() {
        if (drawn) stream.write('\n');
        drawn = '';
      },
    };
  }
  let lastKey = '';
  return {
    show(progress) {
      const key = `${progress.phase}/${progress.chunksDone}`;
      if (key === lastKey) return;
      lastKey = key;
      writeLine(progressLine(progress));
    },
    finish() {},
  };
}

/**
 * Shows the run's `progress` query until it ends and returns its result; a failed run throws an Error
 * whose message is the failure chain (the typed failure says how many rows failed and why).
 */
export async function followBatchScore(handle: WorkflowHandle, display: ProgressDisplay): Promise<BatchScoreResult> {
  try {
    return await followRun<BatchScoreProgress, BatchScoreResult>(handle, (progress) => display.show(progress), POLL_MS);
  } finally {
    display.finish();
  }
}
