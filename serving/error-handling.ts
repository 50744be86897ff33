import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { clip, quoted } from './echo';
import type { ErrorBody, ProblemDetail } from '../contracts/http';
import { ServingError } from './problems';

/**
 * The longest message an error body carries. Messages quote client input clipped already (`echo.ts`);
 * this bound is the last guard, so no path can send back a body as large as the request.
 */
const MAX_MESSAGE_CHARS = 2_000;

/**
 * The single place errors become responses: every failure, ours or fastify's (bad JSON, too large,
 * wrong content type, schema validation, unknown route), answers `{ error, details }` with a 4xx
 * status when the request was at fault, so a bad request never surfaces as a 500.
 */
export function installErrorHandling(app: FastifyInstance, options: { bodyLimit: number }): void {
  app.setErrorHandler((error: unknown, request, reply) => {
    const { statusCode, body } = toResponse(error, request, options.bodyLimit);
    if (statusCode >= 500) request.log.error({ err: error }, body.error);
    return reply.code(statusCode).send(bounded(body));
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send({ error: `Route ${request.method} ${clip(request.url)} not found`, details: [] } satisfies ErrorBody),
  );
}

/**
 * Errors fastify's router raises before any route or error handler runs (fastify's `frameworkErrors`
 * option): a malformed URL and a path segment over the router's length limit (100 characters, longer
 * than any model name). Without this they answer in fastify's own shape, echoing the whole URL.
 */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const url = clip(request.raw.url ?? '');
  const [status, message] =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? [414, `A path segment of ${url} is longer than 100 characters; no model name or version is that long`]
      : [400, `The URL ${url} is malformed (bad percent-encoding?)`];
  void reply.code(status).send({ error: message, details: [{ row: null, field: null, message }] } satisfies ErrorBody);
}

function bounded({ error, details }: ErrorBody): ErrorBody {
  return {
    error: clip(error, MAX_MESSAGE_CHARS),
    details: details.map(({ row, field, message }) => ({
      row,
      field: field === null ? null : clip(field),
      message: clip(message, MAX_MESSAGE_CHARS),
    })),
  };
}

function toResponse(
  error: unknown,
  request: FastifyRequest,
  bodyLimit: number,
): { statusCode: number; body: ErrorBody } {
  if (error instanceof ServingError) {
    return { statusCode: error.statusCode, body: { error: error.message, details: error.details } };
  }
  if (!(error instanceof Error)) return { statusCode: 500, body: { error: 'Internal error', details: [] } };
  // A stored artifact that no longer matches its recorded hash: the registry and the file disagree.
  if (error.name === 'ArtifactIntegrityError') {
    return {
      statusCode: 409,
      body: { error: `Model artifact failed its sha256 check: ${error.message}`, details: [] },
    };
  }
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.validation) {
    return {
      statusCode: 400,
      body: { error: 'Invalid request', details: validationDetails(fastifyError as FastifyError) },
    };
  }
  const status = fastifyError.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    const message = clientErrorMessage(fastifyError.code, error.message, request, bodyLimit);
    return { statusCode: status, body: { error: message, details: [{ row: null, field: null, message }] } };
  }
  return { statusCode: 500, body: { error: `Internal error: ${error.message}`, details: [] } };
}

function clientErrorMessage(
  code: string | undefined,
  message: string,
  request: FastifyRequest,
  bodyLimit: number,
): string {
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `${message}: the limit is ${bodyLimit} bytes`;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': {
      const sent = request.headers['content-type'];
      const got = sent === undefined ? 'no Content-Type' : `Content-Type ${quoted(sent)}`;
      return `Unsupported Media Type (${got}); send Content-Type: application/json`;
    }
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The body is empty; send a JSON object';
    default:
      return clip(message, MAX_MESSAGE_CHARS);
  }
}

function validationDetails(error: FastifyError): ProblemDetail[] {
  return (error.validation ?? []).map((issue) => {
    const missing = (issue.params as { missingProperty?: unknown }).missingProperty;
    const path = issue.instancePath.replace(/^\//, '').replace(/\//g, '.');
    const field = typeof missing === 'string' ? (path ? `${path}.${missing}` : missing) : path || null;
    const where = `${error.validationContext ?? 'request'}${path ? `.${path}` : ''}`;
    return { row: null, field, message: `${where} ${issue.message ?? 'is invalid'}` };
  });
}
