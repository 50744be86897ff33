/** One problem with a request. `row` is the 0-based index in `records`; null when the problem is not in a record. */
export interface ProblemDetail {
  row: number | null;
  field: string | null;
  message: string;
}

/** The one error body every failed request gets. */
export interface ErrorBody {
  error: string;
  details: ProblemDetail[];
}

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
export const notFound = (message: string) => new ServingError(404, message);
export const noModelLoaded = (message: string) => new ServingError(503, message);
