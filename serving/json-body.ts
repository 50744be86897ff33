import type { FastifyInstance } from 'fastify';
import { clip, quoted } from './echo';
import { badRequest } from './problems';

/**
 * Replaces fastify's JSON parser, which answers every refusal, a `__proto__` key included, with "Body
 * is not valid JSON". This one says which key was refused and where. The body limit still applies
 * while the body is read, so an oversize body is a 413 before any parsing.
 */
export function installJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

/**
 * Parses a request body. JSON.parse makes `__proto__` an own property rather than a prototype, but
 * code that later copies keys by assignment would rewrite a prototype; so bodies holding such keys are
 * refused before any route sees them, as fastify's own parser (secure-json-parse) does.
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') {
    const message = 'The body is empty; send a JSON object';
    throw badRequest(message, [{ row: null, field: null, message }]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    const message = `Body is not valid JSON: ${clip((error as Error).message)}`;
    throw badRequest(message, [{ row: null, field: null, message }]);
  }
  // Most bodies cannot hold such a key at all; only those that might are walked.
  if (/proto|constructor|\\u/i.test(text)) refuseForbiddenKeys(value);
  return value;
}

interface Visit {
  node: unknown;
  /** Where `node` is, from the root, e.g. `records[3].Contract`. */
  path: string;
  /** Inside element `row` of a top-level array (such as `records`): the path within that element. */
  row: number | null;
  field: string;
  /** An array directly under a top-level key: its elements are the rows error details count. */
  holdsRows: boolean;
}

/** Walks without recursion: JSON.parse accepts nesting far deeper than the call stack. */
function refuseForbiddenKeys(root: unknown): void {
  const stack: Visit[] = [{ node: root, path: '', row: null, field: '', holdsRows: false }];
  for (let visit = stack.pop(); visit; visit = stack.pop()) {
    const { node, path, row, field, holdsRows } = visit;
    if (typeof node !== 'object' || node === null) continue;
    if (Array.isArray(node)) {
      node.forEach((item: unknown, index) => {
        const at = `${path}[${index}]`;
        if (holdsRows) stack.push({ node: item, path: at, row: index, field: '', holdsRows: false });
        else stack.push({ node: item, path: at, row, field: `${field}[${index}]`, holdsRows: false });
      });
      continue;
    }
    for (const [key, child] of Object.entries(node)) {
      const next: Visit = {
        node: child,
        path: path === '' ? key : `${path}.${key}`,
        row,
        field: field === '' ? key : `${field}.${key}`,
        holdsRows: node === root,
      };
      if (key === '__proto__') refuse('"__proto__"', next);
      if (key === 'constructor' && isObjectWith(child, 'prototype')) {
        refuse('"constructor" holding "prototype"', {
          ...next,
          path: `${next.path}.prototype`,
          field: `${next.field}.prototype`,
        });
      }
      stack.push(next);
    }
  }
}

function isObjectWith(value: unknown, key: string): boolean {
  return typeof value === 'object' && value !== null && Object.prototype.hasOwnProperty.call(value, key);
}

function refuse(key: string, { path, row, field }: Visit): never {
  const message = `The key ${key} (at ${quoted(path)}) is refused: keys that can rewrite object prototypes are never parsed`;
  throw badRequest(message, [{ row, field: clip(field), message }]);
}
