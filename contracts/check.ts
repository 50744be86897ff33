import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';

/** One wrong field of an input: its dotted path (`retrainPolicy.dataUri`) and what is wrong with it. */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * Every place where `value` breaks `schema`, one problem per field. Uses TypeBox's interpreting
 * `Value.Errors`, which needs no `eval`, so the same check runs in the Temporal workflow sandbox.
 */
export function schemaProblems(schema: TSchema, value: unknown): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const error of Value.Errors(schema, value)) {
    const params = error.params as { requiredProperties?: string[] };
    const base = fieldOf(error.instancePath);
    const missing = error.keyword === 'required' ? (params.requiredProperties ?? []) : [];
    if (missing.length > 0) {
      for (const name of missing) problems.push({ field: join(base, name), message: 'is required' });
    } else {
      problems.push({
        field: base || 'input',
        message: `${error.message}; got ${shown(valueAt(value, error.instancePath))}`,
      });
    }
  }
  return firstPerField(problems);
}

/**
 * The schema's problems beside the finer checks written by hand: a hand-written message about a field
 * (or a field inside it) replaces the schema's, which says less; hand-written ones come first.
 */
export function mergeProblems(handWritten: FieldProblem[], fromSchema: FieldProblem[]): FieldProblem[] {
  const covered = (field: string) =>
    handWritten.some((problem) => problem.field === field || problem.field.startsWith(`${field}.`));
  return firstPerField([...handWritten, ...fromSchema.filter((problem) => !covered(problem.field))]);
}

/** `field message; field message`, for an error message. */
export function problemList(problems: FieldProblem[]): string {
  return problems.map(({ field, message }) => `${field} ${message}`).join('; ');
}

/** A value a client sent, shown in a message: JSON, cut to 80 characters. */
export function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

function firstPerField(problems: FieldProblem[]): FieldProblem[] {
  const seen = new Set<string>();
  return problems.filter(({ field }) => !seen.has(field) && seen.add(field));
}

function fieldOf(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

function join(base: string, name: string): string {
  return base === '' ? name : `${base}.${name}`;
}

function valueAt(value: unknown, instancePath: string): unknown {
  let current = value;
  for (const part of instancePath.split('/').slice(1)) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return current;
}
