import { WorkflowUpdateFailedError } from '@temporalio/client';
import { userInfo } from 'node:os';
import { loadConfig } from '../../core/config';
import type { ApprovalNote } from '../../workflows/lifecycle-release';
import type { ApprovalOutcome } from '../../contracts';
import { commandConsole } from '../console';
import { connectClient } from '../temporal-connection';

export interface ApproveCommandOptions {
  workflow: string;
  reject?: boolean;
  reason?: string;
  by?: string;
}

/**
 * `mlcycle approve`: answers an mlLifecycle run that waits for approval (input `approval.required`),
 * letting it roll out, or with --reject, not. The run refuses the answer when it does not wait.
 */
export async function runApproveCommand(options: ApproveCommandOptions): Promise<void> {
  if (!options.workflow || options.workflow.trim() === '') throw new Error('--workflow ID is required');
  const config = loadConfig();
  const client = await connectClient(config);
  const note: ApprovalNote = {
    by: options.by ?? safeUserName(),
    ...(options.reason !== undefined ? { reason: options.reason } : {}),
  };
  const handle = client.workflow.getHandle(options.workflow);
  let outcome: ApprovalOutcome;
  try {
    outcome = await handle.executeUpdate<ApprovalOutcome, [ApprovalNote]>(options.reject ? 'reject' : 'approve', {
      args: [note],
    });
  } catch (err) {
    const cause =
      err instanceof WorkflowUpdateFailedError ? (err.cause?.message ?? err.message) : (err as Error).message;
    throw new Error(`${options.workflow} did not take the ${options.reject ? 'rejection' : 'approval'}: ${cause}`);
  } finally {
    await client.connection.close();
  }
  commandConsole({ stream: 'stdout' }).info(
    `${options.workflow}: ${outcome.status} by ${outcome.by ?? 'unknown'}${outcome.reason ? ` (${outcome.reason})` : ''}`,
  );
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
