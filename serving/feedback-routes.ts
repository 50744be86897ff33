import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { type FeedbackResponse, FeedbackResponseSchema, type ProblemDetail } from '../contracts/http';
import type { FeedbackLabel, FeedbackResult, PredictionLogSink } from '../monitoring/prediction-log';
import { describeValue, quoted } from './echo';
import { badRequest, ServingError } from './problems';
import { MAX_DETAILS } from './request-validation';

export const MAX_FEEDBACK_LABELS = 10_000;
/** Prediction ids are UUIDs (36 characters); a longer "id" is no id of ours, and is not echoed back. */
export const MAX_ID_CHARS = 64;

export interface FeedbackRoutesOptions {
  /** Without one the route answers 503: this server keeps no predictions to attach outcomes to. */
  predictionLog?: PredictionLogSink;
  maxLabels?: number;
}

/** `POST /feedback`: true outcomes of earlier predictions, by the ids /predict returned. */
export const feedbackRoutes: FastifyPluginCallbackTypebox<FeedbackRoutesOptions> = (app, options, done) => {
  const { predictionLog, maxLabels = MAX_FEEDBACK_LABELS } = options;

  app.post(
    '/feedback',
    { schema: { response: { 200: FeedbackResponseSchema } } },
    async (request): Promise<FeedbackResponse> => {
      if (!predictionLog) throw new ServingError(503, 'This server keeps no prediction log, so it takes no feedback');
      const labels = checkFeedbackBody(request.body, maxLabels);
      const malformed = malformedEntries(labels);
      if (malformed.length > 0) throw invalidLabels(malformed);
      const result = await record(predictionLog, labels);
      if (result.invalid.length > 0) throw invalidLabels(result.invalid);
      return { accepted: result.accepted, unknown: result.unknown };
    },
  );
  done();
};

function checkFeedbackBody(body: unknown, maxLabels: number): unknown[] {
  const problem = (message: string, field: string | null = 'labels') =>
    badRequest(message, [{ row: null, field, message }]);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw problem('The body must be a JSON object {"labels": [{"id", "label"}]}', null);
  }
  const { labels } = body as Record<string, unknown>;
  if (!Array.isArray(labels)) throw problem('"labels" must be an array of {"id", "label"}');
  if (labels.length === 0) throw problem('"labels" must hold at least one label');
  if (labels.length > maxLabels) {
    throw problem(`"labels" holds ${labels.length} labels; at most ${maxLabels} per request`);
  }
  return labels;
}

/**
 * Entries refused before the log sees them: ids too long to be ours (the answer lists unknown ids,
 * so a long one would come back whole) and labels that are objects or arrays (never a label, and
 * possibly nested deeper than a message can describe).
 */
function malformedEntries(labels: unknown[]): FeedbackResult['invalid'] {
  const invalid: FeedbackResult['invalid'] = [];
  labels.forEach((entry, index) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return;
    const { id, label } = entry as Record<string, unknown>;
    if (typeof id === 'string' && id.length > MAX_ID_CHARS) {
      const message = `"id" ${quoted(id)} is longer than a prediction id (at most ${MAX_ID_CHARS} characters)`;
      invalid.push({ index, field: 'id', message });
    }
    if (typeof label === 'object' && label !== null) {
      invalid.push({
        index,
        field: 'label',
        message: `label must be 0, 1, true, false or a class name, got ${describeValue(label)}`,
      });
    }
  });
  return invalid;
}

async function record(log: PredictionLogSink, labels: unknown[]): Promise<FeedbackResult> {
  try {
    // Entries are checked one by one inside; the type only says what a good one looks like.
    return await log.recordFeedback(labels as FeedbackLabel[]);
  } catch (error) {
    // Another replica holding the write lock past the busy timeout is passing; the client retries.
    if (error instanceof Error && 'code' in error && String(error.code).startsWith('SQLITE_BUSY')) {
      throw new ServingError(503, 'The prediction log is busy; retry shortly');
    }
    throw error;
  }
}

function invalidLabels(invalid: FeedbackResult['invalid']): ServingError {
  const details: ProblemDetail[] = invalid
    .slice(0, MAX_DETAILS)
    .map(({ index, field, message }) => ({ row: index, field, message }));
  const listed = invalid.length > details.length ? ` (the first ${details.length} listed)` : '';
  const count = `${invalid.length} invalid label${invalid.length === 1 ? '' : 's'}${listed}`;
  return badRequest(`Invalid feedback: ${count}; nothing was stored`, details);
}
