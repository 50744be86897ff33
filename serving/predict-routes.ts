import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { randomUUID } from 'node:crypto';
import type { PredictionLogWriter } from '../monitoring/prediction-log';
import type { RawRecord } from '../models/types';
import type { ModelVersionRecord } from '../registry/types';
import { NO_LOG_HEADER, type Prediction, type PredictResponse, PredictResponseSchema } from '../contracts/http';
import { noLogRefusal } from './admin-auth';
import type { ModelPool } from './model-pool';
import { badRequest, noModelLoaded, ServingError } from './problems';
import type { Findings } from './request-validation';
import { checkPredictBody, checkRecords, DEFAULT_MAX_RECORDS } from './request-validation';
import { routeRequest, type Traffic, withRoutedModel } from './traffic';

export interface PredictRoutesOptions {
  pool: ModelPool;
  /** Answers requests that name no model (MLCYCLE_MODEL); without it, the only model served does. */
  defaultModel?: string;
  maxRecords?: number;
  /** Gets one entry per answered record; appending only queues, so it adds no I/O to the request. */
  predictionLog?: PredictionLogWriter;
  /** Who may skip the log with the no-log header (MLCYCLE_ADMIN_TOKEN); without it, loopback clients only. */
  adminToken?: string;
  /** Rollout routing, version pins and per-version counters; without it the serving version answers. */
  traffic?: Traffic;
}

export const predictRoutes: FastifyPluginCallbackTypebox<PredictRoutesOptions> = (app, options, done) => {
  const { pool, defaultModel, maxRecords = DEFAULT_MAX_RECORDS, predictionLog, adminToken, traffic } = options;

  app.post(
    '/predict',
    { schema: { response: { 200: PredictResponseSchema } } },
    async (request): Promise<PredictResponse> => {
      // Deploy smoke tests replay held-back training rows: they are not live traffic and must not reach
      // the monitor. Anyone else asking to skip the log is refused rather than silently logged, so a
      // smoke test with a wrong token fails loudly instead of feeding training rows to the monitor.
      const skipLog = request.headers[NO_LOG_HEADER] === '1';
      const refusal = skipLog ? noLogRefusal(request, adminToken) : undefined;
      if (refusal) throw new ServingError(403, refusal, [{ row: null, field: NO_LOG_HEADER, message: refusal }]);
      const checked = checkPredictBody(request.body, maxRecords);
      if (checked.findings) throw invalid(checked.findings);
      const { records, version } = checked.request;
      const name = checked.request.model ?? defaultModelName(pool, defaultModel);
      const route = routeRequest(traffic, name, version, request.headers);
      if (route.version === undefined && !pool.isReady()) throw noModelLoaded('No model is loaded yet');

      return withRoutedModel(pool, traffic, name, route, !skipLog, async ({ record, scorer }) => {
        const findings = checkRecords(records, record.spec);
        if (findings.count > 0) throw invalid(findings);
        const probabilities = await scorer.score(record.spec.inputs, records);
        const predictions: Prediction[] = Array.from(probabilities, (probability) => ({
          id: randomUUID(),
          probability,
          label: probability >= record.threshold ? 1 : 0,
        }));
        if (predictionLog && !skipLog) logPredictions(predictionLog, record, records, predictions);
        if (route.shadow !== undefined && !skipLog) {
          traffic?.shadow.copy(name, route.shadow, records, { version: record.version, predictions });
        }
        return { model: { name, version: record.version }, predictions };
      });
    },
  );
  done();
};

/**
 * Logs the model's raw input columns of each record (not an id or target column the client also sent),
 * values as sent, under the id the client got back.
 */
function logPredictions(
  log: PredictionLogWriter,
  record: ModelVersionRecord,
  records: readonly RawRecord[],
  predictions: readonly Prediction[],
): void {
  const time = Date.now();
  const names = record.spec.inputs.map((input) => input.name);
  log.append(
    predictions.map((prediction, i) => {
      const raw = records[i] as RawRecord;
      // No prototype, so a column named like an Object.prototype member is stored as plain data.
      const features = Object.create(null) as Record<string, unknown>;
      for (const name of names) features[name] = Object.hasOwn(raw, name) ? raw[name] : undefined;
      return {
        id: prediction.id,
        modelName: record.modelName,
        version: record.version,
        time,
        probability: prediction.probability,
        features,
        positiveLabel: record.positiveLabel,
      };
    }),
  );
}

function defaultModelName(pool: ModelPool, defaultModel: string | undefined): string {
  if (defaultModel !== undefined) return defaultModel;
  const served = pool.servedNames();
  if (served.length === 0) throw noModelLoaded('No model is loaded yet');
  if (served.length === 1) return served[0] as string;
  const message = `Several models are served (${served.map((n) => `"${n}"`).join(', ')}); name one in "model"`;
  throw badRequest(message, [{ row: null, field: 'model', message }]);
}

function invalid({ details, count }: Findings) {
  const listed = count > details.length ? ` (the first ${details.length} listed)` : '';
  return badRequest(`Invalid request: ${count} problem${count === 1 ? '' : 's'}${listed}`, details);
}
