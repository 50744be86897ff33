import type { FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { PredictionLogSink } from '../monitoring/prediction-log';
import { parseNumeric } from '../models/features';
import type { FeatureSpec, RawRecord } from '../models/types';
import type { ModelVersionRecord } from '../registry/types';
import { NO_LOG_HEADER, type Prediction } from '../contracts/http';
import { noLogRefusal } from './admin-auth';
import { noteServed } from './metrics';
import type { ModelPool } from './model-pool';
import { badRequest, noModelLoaded, ServingError } from './problems';
import { checkRecords, type Findings } from './request-validation';
import { routeRequest, type Traffic, withRoutedModel } from './traffic';

// What every scoring protocol does once it has turned its body into records (/predict, MLflow's
// /invocations, the V2 infer route): pick the model, check the records against its columns, score,
// and log what was answered, so the three answer and monitor alike.

export interface ScoreOptions {
  pool: ModelPool;
  name: string;
  /** Undefined: the serving version. */
  version: number | undefined;
  predictionLog: PredictionLogSink | undefined;
  /** The deploy smoke test's no-log header was sent and allowed (`skipLogAllowed`). */
  skipLog: boolean;
  /** The request being answered, so /metrics counts it under the version that answered. */
  request?: FastifyRequest;
  /** Rollout routing (canary split, `x-mlcycle-version` pin, shadow copy) by the request's headers. */
  traffic?: { traffic: Traffic | undefined; headers: IncomingHttpHeaders };
}

export interface Scored {
  record: ModelVersionRecord;
  predictions: Prediction[];
}

/**
 * Scores records with the named (or serving) version; 400 naming row and column for bad records.
 * `toRecords` builds them from the request once the answering version's columns are known, for
 * bodies that need them to be read (tensors by column, CSV cells typed by column).
 */
export async function scoreRecords(
  toRecords: (spec: FeatureSpec) => RawRecord[],
  options: ScoreOptions,
): Promise<Scored> {
  const { pool, name, predictionLog, skipLog, request } = options;
  const traffic = options.traffic?.traffic;
  const route = options.traffic
    ? routeRequest(traffic, name, options.version, options.traffic.headers)
    : { version: options.version, pinned: options.version !== undefined };
  if (route.version === undefined && !pool.isReady()) throw noModelLoaded('No model is loaded yet');
  return withRoutedModel(pool, traffic, name, route, !skipLog, async ({ record, scorer }) => {
    const records = toRecords(record.spec);
    const findings = checkRecords(records, record.spec);
    if (findings.count > 0) throw invalid(findings);
    const probabilities = await scorer.score(record.spec.inputs, records);
    const predictions: Prediction[] = Array.from(probabilities, (probability) => ({
      id: randomUUID(),
      probability,
      label: probability >= record.threshold ? 1 : 0,
    }));
    if (request) noteServed(request, name, record.version, records.length);
    if (predictionLog && !skipLog) logPredictions(predictionLog, record, records, predictions);
    if (route.shadow !== undefined && !skipLog) {
      traffic?.shadow.copy(name, route.shadow, records, { version: record.version, predictions });
    }
    return { record, predictions };
  });
}

/**
 * Whether the request asks to stay out of the prediction log (the deploy smoke test's header); 403
 * when it asks without the right to.
 */
export function skipLogAllowed(request: FastifyRequest, adminToken: string | undefined): boolean {
  if (request.headers[NO_LOG_HEADER] !== '1') return false;
  const refusal = noLogRefusal(request, adminToken);
  if (refusal) throw new ServingError(403, refusal, [{ row: null, field: NO_LOG_HEADER, message: refusal }]);
  return true;
}

/**
 * Cells that arrive as text (a CSV body) typed by the model's columns, in place: a numeric column's
 * blank becomes null (missing, imputed as in training) and a number its value; text that is not a
 * number is left as it came, for the check to name. Category cells stay strings ("" is the blank level).
 */
export function typeCellsBySpec(records: RawRecord[], spec: FeatureSpec): void {
  const numeric = spec.inputs.filter((input) => input.kind === 'numeric').map((input) => input.name);
  for (const record of records) {
    for (const name of numeric) {
      const cell = Object.hasOwn(record, name) ? record[name] : undefined;
      if (typeof cell !== 'string') continue;
      const trimmed = cell.trim();
      if (trimmed === '') record[name] = null;
      else if (!Number.isNaN(parseNumeric(trimmed))) record[name] = parseNumeric(trimmed);
    }
  }
}

/**
 * Logs the model's raw input columns of each record (not an id or target column the client also sent),
 * values as sent, under the id the client got back.
 */
export function logPredictions(
  log: PredictionLogSink,
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

/** The model of a request naming none: MLCYCLE_MODEL, else the only one served (400 if several, 503 if none). */
export function defaultModelName(pool: ModelPool, defaultModel: string | undefined): string {
  if (defaultModel !== undefined) return defaultModel;
  const served = pool.servedNames();
  if (served.length === 0) throw noModelLoaded('No model is loaded yet');
  if (served.length === 1) return served[0] as string;
  const message = `Several models are served (${served.map((n) => `"${n}"`).join(', ')}); name one in "model"`;
  throw badRequest(message, [{ row: null, field: 'model', message }]);
}

export function invalid({ details, count }: Findings): ServingError {
  const listed = count > details.length ? ` (the first ${details.length} listed)` : '';
  return badRequest(`Invalid request: ${count} problem${count === 1 ? '' : 's'}${listed}`, details);
}
