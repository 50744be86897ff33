import type { DataProblem } from '../core/errors';
import type { TrainedModel } from '../contracts/lifecycle-activities';

/** What the training thread posts to the activity: progress lines, then one result or one error. */
export type TrainThreadMessage =
  | { kind: 'progress'; message: string }
  | { kind: 'result'; result: TrainedModel }
  | { kind: 'error'; name: string; message: string; stack?: string; problems?: DataProblem[] };
