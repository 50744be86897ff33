import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { findTemporalCli } from '../../scripts/temporal-dev-server';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

/**
 * A real Temporal dev server for a test file (the CLI found like `mlcycle dev` finds it), with the
 * workflows' search attributes registered; `extraArgs` go to `temporal server start-dev`. Each test uses
 * its own task queue.
 */
export async function startTestTemporal(extraArgs: string[] = []): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const cli = findTemporalCli();
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: cli ? { type: 'existing-path', path: cli.path } : { type: 'cached-download' },
      searchAttributes: SEARCH_ATTRIBUTES,
      ip: '127.0.0.1',
      extraArgs,
    },
  });
}

let counter = 0;
export function uniqueTaskQueue(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now()}-${counter}`;
}

let runtimeInstalled = false;
/** Worker state changes and expected activity failures are noise in test output: warnings and up only. */
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger(process.env.MLCYCLE_TEST_LOG_LEVEL === 'debug' ? 'DEBUG' : 'WARN') });
}
