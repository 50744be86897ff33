import type { FastifyInstance, FastifyRequest } from 'fastify';
import { quoted } from '../echo';
import { parseJsonAllowingNaN } from '../nan-json';
import { badRequest, ServingError } from '../problems';
import type { V2Body } from './tensors';

/** The header of the binary tensor data extension: how many bytes of the body are JSON. */
const JSON_LENGTH_HEADER = 'inference-header-content-length';
const MEDIA_TYPES = ['application/json', 'application/octet-stream'];

/**
 * Body parsing of the V2 routes (scoped to their plugin): JSON, or JSON followed by binary tensor
 * data, as Triton's clients send by default, with no Content-Type at all; a bare NaN (a missing
 * number in tritonclient's JSON tensors) reads as null. The body limit applies
 * while the body is read, so an oversize body is a 413 before any parsing. Any other Content-Type is
 * refused with 415 before the body is read.
 */
export function installV2BodyParser(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    const sent = request.headers['content-type'];
    if (request.method === 'POST' && sent !== undefined && !MEDIA_TYPES.includes(mediaType(sent))) {
      const message = `Unsupported Media Type (Content-Type ${quoted(sent)}); send application/json, or JSON then binary tensor data with ${JSON_LENGTH_HEADER}`;
      throw new ServingError(415, message, [{ row: null, field: null, message }]);
    }
    return Promise.resolve();
  });
  app.removeContentTypeParser('application/json');
  const parse = (request: FastifyRequest, body: Buffer, done: (error: Error | null, body?: V2Body) => void) => {
    try {
      done(null, v2Body(body, request.headers[JSON_LENGTH_HEADER]));
    } catch (error) {
      done(error as Error);
    }
  };
  app.addContentTypeParser(MEDIA_TYPES, { parseAs: 'buffer' }, (request, body, done) =>
    parse(request, body as Buffer, done),
  );
  // No Content-Type (tritonclient sends none): fastify hands such bodies to the catch-all parser.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => parse(request, body as Buffer, done));
}

function v2Body(body: Buffer, jsonLength: string | string[] | undefined): V2Body {
  if (jsonLength === undefined) return { json: parseJsonAllowingNaN(body.toString('utf8')), binary: undefined };
  const length = typeof jsonLength === 'string' && /^[0-9]{1,15}$/.test(jsonLength) ? Number(jsonLength) : NaN;
  if (!(length <= body.length)) {
    const message = `${JSON_LENGTH_HEADER} must be the byte length of the JSON part (at most the body's ${body.length} bytes); got ${quoted(String(jsonLength))}`;
    throw badRequest(message, [{ row: null, field: JSON_LENGTH_HEADER, message }]);
  }
  return {
    json: parseJsonAllowingNaN(body.subarray(0, length).toString('utf8')),
    binary: body.subarray(length),
  };
}

function mediaType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}
