import type { ServingRequest } from '../contracts/http';
import { describeValue } from './echo';
import { badRequest } from './problems';

// One rule for a model version wherever a client gives one (the /predict body, the admin routes, the
// model routes): a positive integer, as a JSON number in a body and as plain digits in a path.
// "1", 1.5, 0, -1 and "latest" are refused everywhere, with the same words.

export const VERSION_RULE = 'a positive integer written as a JSON number (e.g. 3), not a string';
const PATH_RULE = 'a positive integer in digits (e.g. /versions/3)';

/** The version in a JSON body, or the reason it is refused. */
export function bodyVersion(value: unknown): { version: number } | { problem: string } {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 1) return { version: value };
  return { problem: `"version" must be ${VERSION_RULE}; got ${describeValue(value)}` };
}

/** The version in a URL path segment, or the reason it is refused. */
export function pathVersion(segment: string): { version: number } | { problem: string } {
  const version = /^[1-9][0-9]{0,14}$/.test(segment) ? Number(segment) : NaN;
  if (Number.isSafeInteger(version)) return { version };
  return { problem: `the version in the path must be ${PATH_RULE}; got ${describeValue(segment)}` };
}

/** The version of a route path such as `/versions/:version`; 400 naming `version` otherwise. */
export function versionFromPath(segment: string): number {
  return orRefuse(pathVersion(segment));
}

/** The `version` of a body `{"version": N}` (`ServingRequest`); 400 naming the field otherwise. */
export function versionFromBody(body: unknown): ServingRequest['version'] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    const message = 'The body must be a JSON object {"version": N}';
    throw badRequest(message, [{ row: null, field: null, message }]);
  }
  return orRefuse(bodyVersion((body as { version?: unknown }).version));
}

function orRefuse(checked: { version: number } | { problem: string }): number {
  if ('problem' in checked)
    throw badRequest(checked.problem, [{ row: null, field: 'version', message: checked.problem }]);
  return checked.version;
}
