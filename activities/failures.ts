import { ApplicationFailure } from '@temporalio/common';
import { printableExcerpt } from '../data/excerpt';
import type { DataProblem } from '../core/errors';

const PROBLEMS_IN_MESSAGE = 20;
/** A file with thousands of bad columns must not make a failure too big for Temporal (2 MB a payload). */
const PROBLEMS_IN_DETAILS = 200;

/**
 * Bad data as a non-retryable ApplicationFailure whose message lists every problem (so the Web UI
 * and `temporal workflow show` read it) and whose details carry them as JSON for programs. Names and
 * values quoted from the file are bounded and escaped, and so is the number of problems.
 */
export function invalidDataFailure(summary: string, allProblems: DataProblem[]): ApplicationFailure {
  const problems = allProblems.slice(0, PROBLEMS_IN_DETAILS).map(boundedProblem);
  const lines = problems.slice(0, PROBLEMS_IN_MESSAGE).map(describeProblem);
  const total = allProblems.length;
  if (total > PROBLEMS_IN_MESSAGE) lines.push(`… and ${total - PROBLEMS_IN_MESSAGE} more`);
  return ApplicationFailure.create({
    type: 'InvalidDataError',
    nonRetryable: true,
    message: `${summary}: ${total} problem(s)\n${lines.join('\n')}`,
    // `total` counts them all when `problems` (the first PROBLEMS_IN_DETAILS) is cut short.
    details: [{ problems, total }],
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
