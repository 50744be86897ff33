import type { WorkflowBundleOption } from '@temporalio/worker';
import { bundleWorkflowCode } from '@temporalio/worker';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export const WORKFLOWS_PATH = require.resolve('../workflows');

let sourceBundle: Promise<WorkflowBundleOption> | undefined;

/**
 * The workflow code for a worker: the prebuilt bundle at MLCYCLE_WORKFLOW_BUNDLE when set (see
 * scripts/build-workflow-bundle.ts), else bundled from source once a process — webpack takes
 * seconds, and tests start several workers.
 */
export function loadWorkflowBundle(env: NodeJS.ProcessEnv = process.env): Promise<WorkflowBundleOption> {
  const prebuilt = env.MLCYCLE_WORKFLOW_BUNDLE;
  if (prebuilt) {
    if (!existsSync(prebuilt)) throw new Error(`MLCYCLE_WORKFLOW_BUNDLE=${prebuilt} does not exist`);
    return Promise.resolve({ codePath: prebuilt });
  }
  sourceBundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietBundlerLogger });
  return sourceBundle;
}

const ignore = (): void => undefined;
const quietBundlerLogger = {
  trace: ignore,
  debug: ignore,
  info: ignore,
  log: ignore,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

/** Writes the bundle for MLCYCLE_WORKFLOW_BUNDLE (scripts/build-workflow-bundle.ts); returns its size in bytes. */
export async function writeWorkflowBundle(path: string): Promise<number> {
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietBundlerLogger });
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, code);
  return code.length;
}
