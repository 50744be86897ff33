import { ModelCheckError } from '../core/errors';
import type { OnnxScorer } from './onnx-scorer';
import type { InputColumn, RawRecord } from './types';

const MAX_LISTED = 20;

/**
 * Scores `records` through the exported model and compares with the trained model's own probabilities,
 * so an artifact that would serve different answers never gets registered.
 */
export async function checkOnnxMatches(
  scorer: OnnxScorer,
  inputs: InputColumn[],
  records: RawRecord[],
  expected: ArrayLike<number>,
  tolerance = 1e-5,
): Promise<{ rows: number; maxAbsDiff: number }> {
  const actual = await scorer.score(inputs, records);
  if (actual.length !== expected.length) {
    throw new ModelCheckError(`ONNX model gave ${actual.length} probabilities for ${expected.length} expected`, []);
  }
  const mismatches: { row: number; expected: number; actual: number }[] = [];
  let differing = 0;
  let maxAbsDiff = 0;
  let worst = 0;
  for (let row = 0; row < actual.length; row++) {
    const want = expected[row] as number;
    const got = actual[row] as number;
    // A NaN on either side counts as an infinite difference, never as a silent pass.
    const diff = Number.isNaN(want) || Number.isNaN(got) ? Infinity : Math.abs(want - got);
    if (diff > maxAbsDiff) {
      maxAbsDiff = diff;
      worst = row;
    }
    if (diff > tolerance) {
      differing++;
      if (mismatches.length < MAX_LISTED) mismatches.push({ row, expected: want, actual: got });
    }
  }
  if (differing > 0) {
    throw new ModelCheckError(
      `ONNX model differs from the trained model on ${differing} of ${actual.length} rows (tolerance ${tolerance}); ` +
        `worst is row ${worst}: expected ${expected[worst]}, got ${actual[worst]} (|diff| ${maxAbsDiff})`,
      mismatches,
    );
  }
  return { rows: actual.length, maxAbsDiff };
}
