import { randomUUID } from 'node:crypto';
import type { MessageToProduce } from '@platformatic/kafka';
import type { DeadLetterMessage, StreamResultMessage, StreamSource } from '../../contracts/stream-messages';
import type { RawRecord } from '../../models/types';
import type { LoadedModel } from '../../serving/model-pool';
import { checkRecords } from '../../serving/request-validation';
import type { LoggedBatch } from './log-thread-messages';

/** A record as read from the input topic. */
export interface InputMessage {
  topic: string;
  partition: number;
  offset: bigint;
  key?: Buffer | null;
  value?: Buffer | null;
}

export type OutgoingMessage = MessageToProduce<string, string, string, string>;

export interface ScoredBatch {
  /** One result per scored record and one dead letter per refused one, in input order of each. */
  messages: OutgoingMessage[];
  scored: number;
  rejected: number;
  /** The scored records' predictions, for the prediction log. */
  logged: LoggedBatch;
  version: number;
}

interface Topics {
  outputTopic: string;
  deadLetterTopic: string;
}

type Problem = DeadLetterMessage['problems'][number];

/**
 * Parses, checks and scores one micro-batch with one model version in a single ONNX call. Records that
 * are not JSON objects or break the version's input schema (the checks /predict makes) become dead letters
 * with the reason; they never stop the batch.
 */
export async function scoreBatch(
  batch: readonly InputMessage[],
  model: LoadedModel,
  topics: Topics,
): Promise<ScoredBatch> {
  const { record: version, scorer } = model;
  const messages: OutgoingMessage[] = [];
  const deadLetter = (message: InputMessage, reason: string, problems: Problem[]) => {
    messages.push(deadLetterMessage(message, reason, problems, topics.deadLetterTopic));
  };
  const parsed: { message: InputMessage; record: RawRecord; text: string }[] = [];
  for (const message of batch) {
    const outcome = parseRecord(message.value);
    if ('problem' in outcome) deadLetter(message, outcome.problem, [{ field: null, message: outcome.problem }]);
    else parsed.push({ message, record: outcome.record, text: outcome.text });
  }
  const problems = problemsByRow(
    parsed.map((p) => p.record),
    version.spec,
  );
  const good = parsed.filter((_, row) => !problems.has(row));
  parsed.forEach(({ message }, row) => {
    const found = problems.get(row);
    if (found) deadLetter(message, `invalid record: ${found.map((p) => p.message).join('; ')}`, found);
  });
  const probabilities = await scorer.score(
    version.spec.inputs,
    good.map((g) => g.record),
  );
  const logged: LoggedBatch = {
    modelName: version.modelName,
    version: version.version,
    positiveLabel: version.positiveLabel,
    time: Date.now(),
    columns: version.spec.inputs.map((input) => input.name),
    ids: [],
    probabilities: [],
    records: [],
  };
  good.forEach(({ message, text }, i) => {
    const probability = probabilities[i] as number;
    const predictionId = randomUUID();
    const result: StreamResultMessage = {
      key: keyText(message),
      predictionId,
      probability,
      label: probability >= version.threshold ? 1 : 0,
      model: { name: version.modelName, version: version.version },
      source: sourceOf(message),
    };
    messages.push(outgoing(message, topics.outputTopic, result));
    logged.ids.push(predictionId);
    logged.probabilities.push(probability);
    logged.records.push(text);
  });
  return { messages, scored: good.length, rejected: batch.length - good.length, logged, version: version.version };
}

function parseRecord(value: Buffer | null | undefined): { record: RawRecord; text: string } | { problem: string } {
  if (!value || value.length === 0)
    return { problem: 'the message has no value; expected a JSON object of feature columns' };
  const text = value.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { problem: `not JSON: ${(err as Error).message}` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return {
      problem: `must be a JSON object of feature columns, got ${Array.isArray(parsed) ? 'an array' : JSON.stringify(parsed)}`,
    };
  }
  return { record: parsed as RawRecord, text };
}

/**
 * Every problem of every record, by row. `checkRecords` lists at most 100 problems a call; when it
 * stops short the rest is checked again from the last row it listed.
 */
function problemsByRow(records: readonly RawRecord[], spec: LoadedModel['record']['spec']): Map<number, Problem[]> {
  const byRow = new Map<number, Problem[]>();
  let start = 0;
  while (start < records.length) {
    const { details, count } = checkRecords(start === 0 ? records : records.slice(start), spec);
    const lastRow = details.at(-1)?.row ?? 0;
    const complete = count === details.length;
    for (const { row, field, message } of details) {
      const at = start + (row ?? 0);
      // The last listed row may have more problems than were listed: it is checked again.
      if (!complete && row === lastRow && lastRow > 0) continue;
      byRow.set(at, [...(byRow.get(at) ?? []), { field, message }]);
    }
    if (complete) break;
    start += lastRow > 0 ? lastRow : 1;
  }
  return byRow;
}

function deadLetterMessage(message: InputMessage, reason: string, problems: Problem[], topic: string): OutgoingMessage {
  const letter: DeadLetterMessage = {
    reason,
    problems,
    value: message.value ? message.value.toString('utf8') : null,
    key: keyText(message),
    source: sourceOf(message),
  };
  return outgoing(message, topic, letter);
}

function outgoing(message: InputMessage, topic: string, value: object): OutgoingMessage {
  const key = keyText(message);
  return { topic, ...(key === null ? {} : { key }), value: JSON.stringify(value) };
}

function keyText(message: InputMessage): string | null {
  return message.key && message.key.length > 0 ? message.key.toString('utf8') : null;
}

function sourceOf(message: InputMessage): StreamSource {
  return { topic: message.topic, partition: message.partition, offset: message.offset.toString() };
}
