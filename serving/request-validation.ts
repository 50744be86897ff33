import { parseNumeric } from '../models/features';
import type { FeatureSpec } from '../models/types';
import { describeValue as describe } from './echo';
import type { PredictRequest, ProblemDetail } from '../contracts/http';
import { bodyVersion } from './versions';

export const DEFAULT_MAX_RECORDS = 10_000;
/** A body with thousands of bad rows would otherwise answer with a bigger error than the request. */
export const MAX_DETAILS = 100;
const MAX_LEVELS_LISTED = 30;

/** Problems found, the first `MAX_DETAILS` of them listed; `count` is how many there were in all. */
export interface Findings {
  details: ProblemDetail[];
  count: number;
}

/**
 * Checks the shape of a /predict body, not the columns (those depend on which model answers, so
 * `checkRecords` runs once the model is known).
 */
export function checkPredictBody(
  body: unknown,
  maxRecords = DEFAULT_MAX_RECORDS,
): { request: PredictRequest; findings?: undefined } | { request?: undefined; findings: Findings } {
  const findings = collector();
  if (!isObject(body)) {
    findings.add(null, null, `the body must be a JSON object, got ${describe(body)}`);
    return { findings: findings.result() };
  }
  const { model, version, records } = body;
  if (model !== undefined && (typeof model !== 'string' || model === '')) {
    findings.add(null, 'model', `"model" must be a non-empty string, got ${describe(model)}`);
  }
  const checkedVersion = version === undefined ? undefined : bodyVersion(version);
  if (checkedVersion && 'problem' in checkedVersion) findings.add(null, 'version', checkedVersion.problem);
  if (records === undefined) findings.add(null, 'records', '"records" is required: an array of records');
  else if (!Array.isArray(records))
    findings.add(null, 'records', `"records" must be an array, got ${describe(records)}`);
  else if (records.length === 0) findings.add(null, 'records', '"records" must hold at least one record');
  else if (records.length > maxRecords) {
    findings.add(null, 'records', `"records" holds ${records.length} records; at most ${maxRecords} per request`);
  }
  if (findings.count() > 0) return { findings: findings.result() };
  return { request: body as unknown as PredictRequest };
}

/**
 * Checks every record against the model's raw input columns and reports every problem, so a client
 * fixes a batch in one round trip. Columns the model does not use (an id, the target) are ignored.
 *
 * Numeric columns take a finite number or a numeric string such as "29.85" (CSV cells are strings and
 * a client forwarding a CSV row should not have to convert them); null or a blank string means
 * missing and is imputed as in training. Categorical columns take a string seen in training.
 */
export function checkRecords(records: readonly unknown[], spec: FeatureSpec): Findings {
  const levelsByColumn = new Map(spec.categorical.map((feature) => [feature.name, feature.levels]));
  const levelSets = new Map(spec.categorical.map((feature) => [feature.name, new Set(feature.levels)]));
  const findings = collector();
  records.forEach((record, row) => {
    if (!isObject(record)) {
      findings.add(row, null, `record must be a JSON object, got ${describe(record)}`);
      return;
    }
    for (const input of spec.inputs) {
      // Own keys only: a column named "constructor" or "toString" must not find Object.prototype's.
      const value = Object.hasOwn(record, input.name) ? record[input.name] : undefined;
      if (value === undefined) {
        findings.add(row, input.name, `missing column "${input.name}"`);
      } else if (input.kind === 'numeric') {
        if (!isNumericOrMissing(value)) {
          findings.add(row, input.name, `must be a number, a numeric string or null (missing), got ${describe(value)}`);
        }
      } else if (typeof value !== 'string') {
        findings.add(row, input.name, `must be a string (a category), got ${describe(value)}`);
      } else if (!levelSets.get(input.name)?.has(value)) {
        findings.add(
          row,
          input.name,
          `unseen category ${describe(value)}; known: ${listLevels(levelsByColumn.get(input.name) ?? [])}`,
        );
      }
    }
  });
  return findings.result();
}

function isNumericOrMissing(value: unknown): boolean {
  if (value === null) return true;
  if (typeof value === 'string' && value.trim() === '') return true;
  return (typeof value === 'number' || typeof value === 'string') && !Number.isNaN(parseNumeric(value));
}

function collector() {
  const details: ProblemDetail[] = [];
  let count = 0;
  return {
    add(row: number | null, field: string | null, message: string) {
      count++;
      if (details.length < MAX_DETAILS) details.push({ row, field, message });
    },
    count: () => count,
    result: (): Findings => ({ details, count }),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function listLevels(levels: readonly string[]): string {
  const shown = levels.slice(0, MAX_LEVELS_LISTED).map((level) => JSON.stringify(level));
  const more = levels.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}
