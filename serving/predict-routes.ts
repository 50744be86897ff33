import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { randomUUID } from 'node:crypto';
import type { PredictionLogSink } from '../monitoring/prediction-log';
import { NO_LOG_HEADER, type Prediction, type PredictResponse, PredictResponseSchema } from '../contracts/http';
import { noLogRefusal } from './admin-auth';
import { noteServed } from './metrics';
import type { ModelPool } from './model-pool';
import { noModelLoaded, ServingError } from './problems';
import { checkPredictBody, checkRecords, DEFAULT_MAX_RECORDS } from './request-validation';
import { routeRequest, type Traffic, withRoutedModel } from './traffic';
import { defaultModelName, invalid, logPredictions } from './scoring';

export interface PredictRoutesOptions {
  pool: ModelPool;
  /** Answers requests that name no model (MLCYCLE_MODEL); without it, the only model served does. */
  defaultModel?: string;
  maxRecords?: number;
  /** Gets one entry per answered record; appending only queues, so it adds no I/O to the request. */
  predictionLog?: PredictionLogSink;
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
        noteServed(request, name, record.version, records.length);
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
