import type { FastifyPluginCallback, FastifyRequest } from 'fastify';
import type { PredictionLogSink } from '../../monitoring/prediction-log';
import { InvocationsResponseSchema, type InvocationsResponse } from '../../contracts/mlflow-scoring';
import { describeValue, quoted } from '../echo';
import type { ModelPool } from '../model-pool';
import { parseJsonAllowingNaN } from '../nan-json';
import { badRequest, invalidRequest, noModelLoaded, ServingError } from '../problems';
import { DEFAULT_MAX_RECORDS } from '../request-validation';
import { defaultModelName, scoreRecords, skipLogAllowed, typeCellsBySpec } from '../scoring';
import type { Traffic } from '../traffic';
import { bodyVersion, pathVersion } from '../versions';
import { mlflowCsvRecords, mlflowJsonRequest } from './input';

export interface InvocationsRoutesOptions {
  pool: ModelPool;
  defaultModel?: string;
  maxRecords?: number;
  predictionLog?: PredictionLogSink;
  adminToken?: string;
  /** Canary split, version pin header and shadow copy (serving/traffic.ts). */
  traffic?: Traffic;
}

const MEDIA_TYPES = 'application/json (dataframe_split, dataframe_records, instances or inputs) or text/csv';

/**
 * `POST /invocations`, MLflow's scoring protocol, so a client of `mlflow models serve` scores here
 * unchanged. Rows are checked and scored as /predict's records and logged alike; the answer is
 * `{"predictions": [p, ...]}`, the churn probability per row. The model and version may be chosen
 * with `?model=&version=` or in `params`; without them the default model's serving version answers.
 */
export const invocationsRoutes: FastifyPluginCallback<InvocationsRoutesOptions> = (app, options, done) => {
  const { pool, defaultModel, maxRecords = DEFAULT_MAX_RECORDS, predictionLog, adminToken, traffic } = options;
  // Scoped to this plugin: only /invocations reads CSV and NaN. The body limit applies while a body is read.
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, parsed) => parsed(null, body));
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, parsed) => {
    try {
      parsed(null, parseJsonAllowingNaN(body as string));
    } catch (error) {
      parsed(error as Error, undefined);
    }
  });
  app.addContentTypeParser('*', (request, _payload, parsed) => parsed(unsupported(request), undefined));

  // MLflow's health check (its client's wait_server_ready, SageMaker's probe): 200 once a model serves.
  app.get('/ping', () => {
    if (!pool.isReady()) throw noModelLoaded('No model is loaded yet');
    return { status: 'ok' };
  });

  app.post<{ Querystring: Record<string, string | string[] | undefined> }>(
    '/invocations',
    { schema: { response: { 200: InvocationsResponseSchema } } },
    async (request): Promise<InvocationsResponse> => {
      const skipLog = skipLogAllowed(request, adminToken);
      const csv = /^text\/csv\b/i.test(request.headers['content-type'] ?? '');
      if (request.body === undefined) {
        const message = `The body is empty; send ${MEDIA_TYPES}`;
        throw badRequest(message, [{ row: null, field: null, message }]);
      }
      const { records, params } = csv
        ? { records: mlflowCsvRecords(request.body as string, maxRecords), params: undefined }
        : mlflowJsonRequest(request.body, maxRecords);
      const { model, version } = selection(request.query, params);
      const { predictions } = await scoreRecords(
        (spec) => {
          if (csv) typeCellsBySpec(records, spec);
          return records;
        },
        {
          pool,
          name: model ?? defaultModelName(pool, defaultModel),
          version,
          predictionLog,
          skipLog,
          request,
          traffic: { traffic, headers: request.headers },
        },
      );
      return { predictions: predictions.map((prediction) => prediction.probability) };
    },
  );
  done();
};

/** The model and version asked for in the query string or in `params`; both places must agree. */
function selection(
  query: Record<string, string | string[] | undefined>,
  params: Record<string, unknown> | undefined,
): { model: string | undefined; version: number | undefined } {
  const model = agreed('model', queryValue(query, 'model'), checkedModel(params?.model));
  const fromQuery = queryValue(query, 'version');
  const version = agreed(
    'version',
    fromQuery === undefined ? undefined : queryVersion(fromQuery),
    params?.version === undefined ? undefined : paramsVersion(params.version),
  );
  return { model, version };
}

function queryValue(query: Record<string, string | string[] | undefined>, key: string): string | undefined {
  const value = query[key];
  if (Array.isArray(value)) refuse(key, `"${key}" is given ${value.length} times in the query string; give it once`);
  if (value === '') refuse(key, `"${key}" in the query string is empty`);
  return value;
}

function checkedModel(value: unknown): string | undefined {
  if (value === undefined || (typeof value === 'string' && value !== '')) return value;
  return refuse('params.model', `"params.model" must be a non-empty string, got ${describeValue(value)}`);
}

function agreed<T extends string | number>(
  key: string,
  fromQuery: T | undefined,
  fromParams: T | undefined,
): T | undefined {
  if (fromQuery !== undefined && fromParams !== undefined && fromQuery !== fromParams) {
    const show = (value: T) => (typeof value === 'string' ? quoted(value) : String(value));
    refuse(key, `"${key}" is ${show(fromQuery)} in the query string but ${show(fromParams)} in "params"`);
  }
  return fromQuery ?? fromParams;
}

function queryVersion(text: string): number {
  const checked = pathVersion(text);
  if ('problem' in checked) {
    refuse(
      'version',
      `"version" in the query string must be a positive integer in digits (e.g. ?version=3); got ${quoted(text)}`,
    );
  }
  return checked.version;
}

function paramsVersion(value: unknown): number {
  const checked = bodyVersion(value);
  if ('problem' in checked) refuse('params.version', `"params.${checked.problem.slice(1)}`);
  return checked.version;
}

function refuse(field: string, message: string): never {
  throw invalidRequest(null, field, message);
}

function unsupported(request: FastifyRequest): ServingError {
  const sent = request.headers['content-type'];
  const message = `Unsupported Media Type (${sent === undefined ? 'no Content-Type' : `Content-Type ${quoted(sent)}`}); send ${MEDIA_TYPES}`;
  return new ServingError(415, message, [{ row: null, field: null, message }]);
}
