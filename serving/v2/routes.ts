import type { FastifyPluginCallback, FastifyRequest } from 'fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PredictionLogSink } from '../../monitoring/prediction-log';
import { packageRoot } from '../../core/build-info';
import {
  InferResponseSchema,
  ModelMetadataSchema,
  type InferResponse,
  type ModelMetadata,
  type OutputName,
  type ResponseOutput,
} from '../../contracts/open-inference';
import type { Prediction } from '../../contracts/http';
import { quoted } from '../echo';
import type { ModelPool } from '../model-pool';
import { noModelLoaded, notFound } from '../problems';
import { DEFAULT_MAX_RECORDS } from '../request-validation';
import { scoreRecords, skipLogAllowed } from '../scoring';
import type { Traffic } from '../traffic';
import { versionFromPath } from '../versions';
import { installV2BodyParser } from './body';
import { modelMetadata, OUTPUTS } from './metadata';
import { readInferRequest, type V2Body } from './tensors';

export interface V2RoutesOptions {
  pool: ModelPool;
  maxRecords?: number;
  predictionLog?: PredictionLogSink;
  adminToken?: string;
  /** Canary split, version pin header and shadow copy (serving/traffic.ts). */
  traffic?: Traffic;
}

type NameParams = { Params: { name: string } };
type VersionParams = { Params: { name: string; version: string } };

/**
 * The Open Inference Protocol (KServe V2, Triton's HTTP API) under /v2: health, server and model
 * metadata, readiness, and inference with one input tensor per raw feature column. Without
 * `/versions/{v}` the serving version answers; with it, that version (loaded on demand). Inference
 * is checked, scored and logged as /predict is; errors are the protocol's `{"error": "..."}` (with
 * the server's `details` beside it, naming the input).
 */
export const v2Routes: FastifyPluginCallback<V2RoutesOptions> = (app, options, done) => {
  const { pool, maxRecords = DEFAULT_MAX_RECORDS, predictionLog, adminToken, traffic } = options;
  const serverVersion = readPackageVersion();
  installV2BodyParser(app);

  app.get('/v2', () => ({ name: 'mlcycle', version: serverVersion, extensions: ['binary_tensor_data'] }));
  app.get('/v2/health/live', () => ({ live: true }));
  app.get('/v2/health/ready', () => {
    if (!pool.isReady()) throw noModelLoaded('No model is loaded yet');
    return { ready: true };
  });

  const servingOf = (name: string): number => {
    const version = pool.servingVersion(name);
    if (version === undefined) {
      throw notFound(
        `Model ${quoted(name)} is not served; served: ${
          pool
            .servedNames()
            .map((n) => `"${n}"`)
            .join(', ') || 'none'
        }`,
      );
    }
    return version;
  };
  const metadata = (name: string, version: number): ModelMetadata => {
    const record = pool.findRecord(name, version);
    if (!record) throw notFound(`Model ${quoted(name)} has no version ${version}`);
    return modelMetadata(record, pool.registeredVersions(name));
  };
  const metadataSchema = { schema: { response: { 200: ModelMetadataSchema } } };
  app.get<NameParams>('/v2/models/:name', metadataSchema, (request) =>
    metadata(request.params.name, servingOf(request.params.name)),
  );
  app.get<VersionParams>('/v2/models/:name/versions/:version', metadataSchema, (request) =>
    metadata(request.params.name, versionFromPath(request.params.version)),
  );

  // Ready means it answers now: the serving version is loaded; a named version is loaded if need be.
  app.get<NameParams>('/v2/models/:name/ready', (request) => {
    const { name } = request.params;
    return { name, version: String(servingOf(name)), ready: true };
  });
  app.get<VersionParams>('/v2/models/:name/versions/:version/ready', async (request) => {
    const { name } = request.params;
    const version = versionFromPath(request.params.version);
    await pool.withModel(name, version, () => Promise.resolve());
    return { name, version: String(version), ready: true };
  });

  const infer = async (request: FastifyRequest, name: string, version: number | undefined, skipLog: boolean) => {
    const call = readInferRequest(request.body as V2Body, maxRecords);
    const { record, predictions } = await scoreRecords(call.toRecords, {
      pool,
      name,
      version,
      predictionLog,
      skipLog,
      request,
      traffic: { traffic, headers: request.headers },
    });
    const response: InferResponse = {
      model_name: name,
      model_version: String(record.version),
      outputs: call.outputs.map((output) => responseOutput(output, predictions)),
    };
    if (call.id !== undefined) response.id = call.id;
    return response;
  };
  const inferSchema = { schema: { response: { 200: InferResponseSchema } } };
  app.post<NameParams>('/v2/models/:name/infer', inferSchema, async (request) => {
    const skipLog = skipLogAllowed(request, adminToken);
    return infer(request, request.params.name, undefined, skipLog);
  });
  app.post<VersionParams>('/v2/models/:name/versions/:version/infer', inferSchema, async (request) => {
    const skipLog = skipLogAllowed(request, adminToken);
    const version = versionFromPath(request.params.version);
    return infer(request, request.params.name, version, skipLog);
  });
  done();
};

function responseOutput(name: OutputName, predictions: readonly Prediction[]): ResponseOutput {
  const datatype = OUTPUTS.find((output) => output.name === name)?.datatype ?? 'BYTES';
  const shape = [predictions.length];
  switch (name) {
    case 'probability':
      return { name, datatype, shape, data: predictions.map((p) => p.probability) };
    case 'label':
      return { name, datatype, shape, data: predictions.map((p) => p.label) };
    case 'id':
      return { name, datatype, shape, data: predictions.map((p) => p.id) };
  }
}

function readPackageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(__dirname), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
