import { parseLabel } from './labels';
import type { Outcome } from './labels';

export interface FeedbackLabel {
  id: string;
  label: unknown;
}

export interface FeedbackResult {
  /** Labels stored; 0 whenever `invalid` is not empty, because then nothing is stored. */
  accepted: number;
  /** Ids never logged, already pruned, or (from another replica) not written yet. */
  unknown: string[];
  invalid: { index: number; field: 'id' | 'label' | null; message: string }[];
}

/** A logged prediction as feedback needs it: its row and the positive class of the version that made it. */
export interface LoggedPrediction {
  seq: number;
  positive_label: string | null;
}

/**
 * Checks one feedback entry and finds its prediction: the label and row to store, or nothing, with the
 * reason recorded in `result` (unknown id or invalid entry).
 */
export function resolveFeedback(
  entry: unknown,
  index: number,
  find: (id: string) => LoggedPrediction | undefined,
  result: FeedbackResult,
): [Outcome, number] | undefined {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    result.invalid.push({ index, field: null, message: 'each label must be an object {"id", "label"}' });
    return undefined;
  }
  const { id, label } = entry as Record<string, unknown>;
  if (typeof id !== 'string' || id === '') {
    result.invalid.push({ index, field: 'id', message: '"id" must be the prediction id /predict returned' });
    return undefined;
  }
  // Values wrong whatever the model (an object, 7) are invalid even for an unknown id; a word needs the
  // version's positive class to be judged, so it waits for the lookup.
  const shape = typeof label === 'string' ? undefined : parseLabel(label);
  if (shape && 'error' in shape) {
    result.invalid.push({ index, field: 'label', message: shape.error });
    return undefined;
  }
  const found = find(id);
  if (!found) {
    result.unknown.push(id);
    return undefined;
  }
  const parsed = parseLabel(label, found.positive_label);
  if ('error' in parsed) {
    result.invalid.push({ index, field: 'label', message: parsed.error });
    return undefined;
  }
  return [parsed.label, found.seq];
}
