import { schemaProblems, type StreamScoreInput, StreamScoreInputSchema } from '../contracts';
import type { ConsumeStreamInput } from '../contracts/stream-activities';
import { invalidInput } from './invalid-input';

/** How long one consumer activity runs before it commits, closes and hands over to the next one. */
export const STREAM_SEGMENT_MS = 10 * 60_000;

/**
 * `streamScore` input, checked before any activity: every wrong field fails the run at once with a
 * non-retryable InvalidInputError; the defaults of the dead-letter topic and the group are filled in.
 */
export function checkStreamScoreInput(input: unknown): ConsumeStreamInput {
  const problems = schemaProblems(StreamScoreInputSchema, input);
  if (problems.length > 0) throw invalidInput('streamScore', problems);
  const checked = input as StreamScoreInput;
  if (checked.outputTopic === checked.inputTopic) {
    throw invalidInput('streamScore', [
      {
        field: 'outputTopic',
        message: `must differ from inputTopic (${checked.inputTopic}): results would be read back as requests`,
      },
    ]);
  }
  return {
    modelName: checked.modelName,
    brokers: checked.brokers,
    inputTopic: checked.inputTopic,
    outputTopic: checked.outputTopic,
    deadLetterTopic: checked.deadLetterTopic ?? `${checked.inputTopic}.dlq`,
    groupId: checked.groupId ?? `mlcycle-stream-${checked.modelName}`,
    ...(checked.labelsTopic ? { labelsTopic: checked.labelsTopic } : {}),
    segmentMs: STREAM_SEGMENT_MS,
  };
}
