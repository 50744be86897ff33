import { schemaProblems } from '../contracts/check';
import { OnlineTrainingInputSchema, type OnlineSettings, type OnlineTrainingInput } from '../contracts/online';
import { invalidInput } from './invalid-input';

/** Defaults of `onlineTraining`; the learner's own (learning rate, l2) live in models/online/options.ts. */
export const ONLINE_DEFAULTS = {
  batchSize: 16,
  publishEvery: 5_000,
  windowSize: 2_000,
  pause: { logLossMargin: 0.05, minServingRocAuc: 0.5, alarmWindow: 500 },
};

export interface CheckedOnlineInput {
  input: OnlineTrainingInput;
  settings: OnlineSettings;
  publishEvery: number;
  publishEveryMs: number | null;
  deploy: boolean;
}

/** `onlineTraining` input, checked before any activity: every wrong field fails the run, non-retryable. */
export function checkOnlineTrainingInput(raw: unknown): CheckedOnlineInput {
  const all = schemaProblems(OnlineTrainingInputSchema, raw);
  // A union reports its own mismatch ("must be string") beside the inner fields' problems, which say more.
  const inner = all.some(({ field }) => field.startsWith('source.'));
  const problems = all.filter(({ field }) => !(inner && field === 'source'));
  if (problems.length > 0) throw invalidInput('onlineTraining', problems);
  const input = raw as OnlineTrainingInput;
  const windowSize = input.windowSize ?? ONLINE_DEFAULTS.windowSize;
  const pause = { ...ONLINE_DEFAULTS.pause, ...input.pause };
  if (pause.alarmWindow > windowSize) {
    throw invalidInput('onlineTraining', [
      { field: 'pause.alarmWindow', message: `must be at most windowSize (${windowSize}), got ${pause.alarmWindow}` },
    ]);
  }
  return {
    input,
    settings: {
      batchSize: input.batchSize ?? ONLINE_DEFAULTS.batchSize,
      windowSize,
      pause,
      ...(input.learningRate === undefined ? {} : { learningRate: input.learningRate }),
      ...(input.l2 === undefined ? {} : { l2: input.l2 }),
    },
    publishEvery: input.publishEvery ?? ONLINE_DEFAULTS.publishEvery,
    publishEveryMs: input.publishEveryMinutes === undefined ? null : input.publishEveryMinutes * 60_000,
    deploy: input.deploy ?? true,
  };
}
