import { ApplicationFailure } from '@temporalio/workflow';
import { type FieldProblem, problemList } from '../contracts/check';

/** The one failure of a workflow input no retry could fix: non-retryable, every wrong field in its details. */
export function invalidInput(workflow: string, problems: FieldProblem[]): ApplicationFailure {
  return ApplicationFailure.create({
    message: `invalid ${workflow} input: ${problemList(problems)}`,
    type: 'InvalidInputError',
    nonRetryable: true,
    details: [{ problems }],
  });
}
