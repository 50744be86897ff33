import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadWorkflowBundle } from '../../src/workers/workflow-bundle';

// A history recorded from a real mlLifecycle run (test/e2e/lifecycle.test.ts writes a fresh one to
// test-output/). If this fails, the workflow code changed in a way that breaks runs in flight: guard
// the change with patched() instead of refreshing the fixture.
describe('mlLifecycle replay', () => {
  it('replays a recorded mlLifecycle history without nondeterminism', async () => {
    const history = historyFromJSON(
      JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'ml-lifecycle-history.json'), 'utf8')),
    );
    await Worker.runReplayHistory({ workflowBundle: await loadWorkflowBundle() }, history, 'telco-e2e-1');
  });
});
