import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModelRegistry } from '../../registry/model-registry';
import { placeholderVersion } from '../helpers/model-version';
import { tempHome } from '../helpers/paths';

describe('registry rollouts (schema step 6)', () => {
  function registryWithTwoVersions(): ModelRegistry {
    const registry = ModelRegistry.open(tempHome('rollouts'));
    registry.register(placeholderVersion({ runId: 'run-1' }));
    registry.register(placeholderVersion({ runId: 'run-2' }));
    registry.register(placeholderVersion({ runId: 'run-3' }));
    return registry;
  }

  it('keeps one rollout under way per model; a retry of the same run gets the same one back', () => {
    const registry = registryWithTwoVersions();
    const run = { workflowId: 'wf', runId: 'run-2' };
    const started = registry.rollouts.start({
      modelName: 'churn',
      candidateVersion: 2,
      championVersion: 1,
      strategy: 'canary',
      share: 0.1,
      run,
    });
    const retried = registry.rollouts.start({
      modelName: 'churn',
      candidateVersion: 2,
      championVersion: 1,
      strategy: 'canary',
      share: 0.1,
      run,
    });
    assert.equal(retried.id, started.id);
    assert.deepEqual(registry.rollouts.listActive(), [started]);
    registry.close();
  });

  it('ends an older run’s rollout as superseded when another starts, and keeps the history', () => {
    const registry = registryWithTwoVersions();
    const first = registry.rollouts.start({
      modelName: 'churn',
      candidateVersion: 2,
      championVersion: 1,
      strategy: 'shadow',
      share: null,
      run: { workflowId: 'a', runId: 'a' },
    });
    const second = registry.rollouts.start({
      modelName: 'churn',
      candidateVersion: 3,
      championVersion: 1,
      strategy: 'canary',
      share: 0.2,
      run: { workflowId: 'b', runId: 'b' },
    });
    assert.equal(registry.rollouts.get(first.id)?.outcome, 'superseded');
    assert.match(registry.rollouts.get(first.id)?.reason ?? '', /superseded by a canary of version 3/);
    const ended = registry.rollouts.end(second.id, 'rolled-back', 'p99 too high');
    // Ending twice (an activity retry) keeps the first ending.
    const again = registry.rollouts.end(second.id, 'promoted', 'other');
    assert.equal(again?.outcome, 'rolled-back');
    assert.equal(again?.endedAt, ended?.endedAt);
    assert.deepEqual(registry.rollouts.listActive(), []);
    assert.deepEqual(
      registry.rollouts.list('churn').map((r) => [r.candidateVersion, r.strategy, r.outcome]),
      [
        [2, 'shadow', 'superseded'],
        [3, 'canary', 'rolled-back'],
      ],
    );
    registry.close();
  });
});
