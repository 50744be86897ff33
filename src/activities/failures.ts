import { ApplicationFailure } from '@temporalio/common';
import { printableExcerpt } from '../data/excerpt';
import type { DataProblem } from '../shared/errors';

const PROBLEMS_IN_MESSAGE = 20;

/**
 * Bad data as a non-retryable ApplicationFailure whose message lists every problem (so the Web UI
 * and `temporal workflow show` read it) and whose details carry them as JSON for programs.
 */
export function invalidDataFailure(summary: string, allProblems: DataProblem[]): ApplicationFailure {
  const problems = allProblems.map(boundedProblem);
  const lines = problems.slice(0, PROBLEMS_IN_MESSAGE).map(describeProblem);
  if (problems.length > PROBLEMS_IN_MESSAGE) lines.push(`… and ${problems.length - PROBLEMS_IN_MESSAGE} more`);
  return ApplicationFailure.create({
    type: 'InvalidDataError',
    nonRetryable: true,
    message: `${summary}: ${problems.length} problem(s)\n${lines.join('\n')}`,
    details: [{ problems }],
  });
}

/**
 * Problems quote names and values from the file; bounded and with control characters escaped here,
 * where every one passes on its way into Temporal history, whatever check wrote it.
 */
function boundedProblem(problem: DataProblem): DataProblem {
  return {
    ...problem,
    ...(problem.column !== undefined ? { column: printableExcerpt(problem.column, 200) } : {}),
    message: printableExcerpt(problem.message, 1000),
  };
}

export function describeProblem(problem: DataProblem): string {
  const where = [
    problem.column !== undefined ? `column "${problem.column}"` : undefined,
    problem.row !== undefined ? `row ${problem.row}` : undefined,
    problem.count !== undefined ? `${problem.count} row(s)` : undefined,
  ].filter((part): part is string => part !== undefined);
  return `- [${problem.code}] ${where.length > 0 ? `${where.join(', ')}: ` : ''}${problem.message}`;
}
