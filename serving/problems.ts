import type { ProblemDetail } from '../contracts/http';

/**
 * A failure with its HTTP status, thrown by routes and the pool and turned into an `ErrorBody` by the
 * app's single error handler, so no route formats errors itself.
 */
export class ServingError extends Error {
  override readonly name = 'ServingError';
  constructor(
    readonly statusCode: number,
    message: string,
    readonly details: ProblemDetail[] = [],
  ) {
    super(message);
  }
}

export const badRequest = (message: string, details: ProblemDetail[] = []) => new ServingError(400, message, details);
/** One problem of a request, with its row and field: `Invalid request: <message>` and one detail. */
export const invalidRequest = (row: number | null, field: string | null, message: string) =>
  badRequest(`Invalid request: ${message}`, [{ row, field, message }]);
export const notFound = (message: string) => new ServingError(404, message);
export const noModelLoaded = (message: string) => new ServingError(503, message);
