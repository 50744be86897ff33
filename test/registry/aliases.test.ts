import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CHAMPION } from '../../registry/aliases';
import { ModelRegistry } from '../../registry/model-registry';
import { signatureOf } from '../../registry/signature';
import { placeholderVersion } from '../helpers/model-version';
import { tempHome } from '../helpers/paths';

const CLI = { command: 'models promote', user: 'ana' };
const RUN = { workflowId: 'wf-deploy', runId: 'run-deploy' };

/** A registry of `versions` versions of churn, nothing serving. */
function registryWith(versions: number): { registry: ModelRegistry; home: string } {
  const home = tempHome('aliases');
  const registry = ModelRegistry.open(home);
  for (let v = 1; v <= versions; v++) registry.register(placeholderVersion({ runId: `run-${v}` }));
  return { registry, home };
}

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));

describe('registry aliases', () => {
  it('keeps the champion alias and the serving pointer the same thing, whichever way it is set', () => {
    const { registry } = registryWith(2);
    registry.markServing('churn', 1, 'smoke test passed', RUN);
    assert.equal(registry.aliases.get('churn', CHAMPION)?.version, 1);
    registry.aliases.set('churn', CHAMPION, 2, { reason: 'better', actor: CLI });
    assert.equal(registry.getServing('churn')?.version, 2);
    assert.deepEqual(
      registry.listDeployments('churn').map((d) => [d.version, d.outcome]),
      [
        [1, 'serving'],
        [2, 'serving'],
      ],
      'every champion change is a deployment too',
    );
    registry.close();
  });

  it('sets, moves and removes challenger and user aliases, listing the champion first', () => {
    const { registry } = registryWith(3);
    registry.markServing('churn', 1, 'first');
    registry.aliases.set('churn', 'challenger', 2, { reason: 'lost the gate', actor: RUN });
    registry.aliases.set('churn', 'eu-pilot', 3, { reason: 'pilot', actor: CLI });
    assert.deepEqual(
      registry.aliases.list('churn').map((a) => [a.alias, a.version]),
      [
        ['champion', 1],
        ['challenger', 2],
        ['eu-pilot', 3],
      ],
    );
    registry.aliases.set('churn', 'eu-pilot', 2, { reason: 'pilot moves', actor: CLI });
    registry.aliases.remove('churn', 'challenger', { reason: 'done', actor: CLI });
    assert.deepEqual(
      registry.aliases.list('churn').map((a) => [a.alias, a.version]),
      [
        ['champion', 1],
        ['eu-pilot', 2],
      ],
    );
    assert.equal(registry.getServing('churn')?.version, 1, 'other aliases never move serving');
    registry.close();
  });

  it('refuses bad alias names, unknown versions and removing the champion, saying what to do', () => {
    const { registry } = registryWith(1);
    assert.throws(
      () => registry.aliases.set('churn', 'Prod!', 1, { reason: 'x' }),
      /alias "Prod!" is not a valid name/,
    );
    assert.throws(
      () => registry.aliases.set('churn', 'prod', 7, { reason: 'x' }),
      /churn has no version 7; .*models list/,
    );
    registry.markServing('churn', 1, 'first');
    assert.throws(
      () => registry.aliases.remove('churn', CHAMPION, { reason: 'x' }),
      /cannot be removed: promote or roll back/,
    );
    registry.close();
  });

  it('records who changed an alias, when, from which version to which and why; an unchanged alias records nothing', () => {
    const { registry } = registryWith(2);
    registry.aliases.set('churn', CHAMPION, 1, { reason: 'first deploy', actor: RUN, at: at(1) });
    registry.aliases.set('churn', CHAMPION, 2, { reason: 'manual', actor: CLI, at: at(2) });
    assert.equal(registry.aliases.set('churn', CHAMPION, 2, { reason: 'again', actor: CLI }), undefined);
    const history = registry.aliases.history('churn');
    assert.deepEqual(
      history.map((h) => [h.alias, h.action, h.fromVersion, h.toVersion, h.reason, h.at]),
      [
        ['champion', 'set', null, 1, 'first deploy', at(1).toISOString()],
        ['champion', 'set', 1, 2, 'manual', at(2).toISOString()],
      ],
    );
    assert.deepEqual(
      [history[0]?.workflowId, history[0]?.runId, history[0]?.command],
      ['wf-deploy', 'run-deploy', null],
    );
    assert.deepEqual([history[1]?.command, history[1]?.user, history[1]?.workflowId], ['models promote', 'ana', null]);
    registry.close();
  });

  it('never lets a history row be changed or deleted, even by hand in SQL', () => {
    const { registry, home } = registryWith(1);
    registry.markServing('churn', 1, 'first');
    registry.close();
    const db = new Database(join(home, 'registry', 'registry.sqlite'));
    assert.throws(
      () => db.prepare('UPDATE alias_history SET to_version = 9').run(),
      /append-only: its rows are never changed/,
    );
    assert.throws(() => db.prepare('DELETE FROM alias_history').run(), /append-only: its rows are never deleted/);
    assert.equal(db.prepare('SELECT COUNT(*) FROM alias_history').pluck().get(), 1);
    db.close();
  });

  it('answers which version served at any time, before the first deploy and after a rollback', () => {
    const { registry } = registryWith(3);
    registry.aliases.set('churn', CHAMPION, 1, { reason: 'a', at: at(10) });
    registry.aliases.set('churn', CHAMPION, 2, { reason: 'b', at: at(20) });
    registry.aliases.set('churn', 'challenger', 3, { reason: 'c', at: at(25) });
    registry.aliases.rollback('churn', { reason: 'v2 misbehaves', actor: CLI, at: at(30) });
    const servedAt = (minute: number) => registry.aliases.servingAt('churn', at(minute))?.toVersion;
    assert.equal(servedAt(5), undefined, 'nothing served yet');
    assert.equal(servedAt(10), 1);
    assert.equal(servedAt(19), 1);
    assert.equal(servedAt(25), 2, 'a challenger never counts as serving');
    assert.equal(servedAt(31), 1);
    assert.equal(registry.aliases.servingAt('churn', '2026-01-01T00:21:00+00:00')?.toVersion, 2, 'any ISO time');
    registry.close();
  });

  it('rolls back through promotions in turn, and refuses when there is nothing earlier', () => {
    const { registry } = registryWith(3);
    for (const v of [1, 2, 3]) registry.markServing('churn', v, `deploy ${v}`);
    assert.equal(registry.aliases.rollback('churn', { reason: 'r1' }).toVersion, 2);
    assert.equal(registry.getServing('churn')?.version, 2);
    const second = registry.aliases.rollback('churn', { reason: 'r2', actor: CLI });
    assert.deepEqual([second.action, second.fromVersion, second.toVersion], ['rollback', 2, 1]);
    assert.throws(
      () => registry.aliases.rollback('churn', { reason: 'r3' }),
      /no earlier serving version to roll back to/,
    );
    assert.equal(registry.getServing('churn')?.version, 1);
    registry.close();
  });

  it("derives a version's signature from its spec: inputs in feed order with types and levels, target and output", () => {
    const signature = signatureOf({
      spec: {
        inputs: [
          { name: 'tenure', kind: 'numeric' },
          { name: 'Contract', kind: 'categorical' },
        ],
        numeric: [{ name: 'tenure', impute: 0, mean: 1, std: 1 }],
        categorical: [{ name: 'Contract', levels: ['Month-to-month', 'One year', ''] }],
      },
      target: 'Churn',
      positiveLabel: 'Yes',
    });
    assert.deepEqual(signature.inputs, [
      { name: 'tenure', kind: 'numeric', type: 'float32' },
      { name: 'Contract', kind: 'categorical', type: 'string', levels: ['Month-to-month', 'One year', ''] },
    ]);
    assert.deepEqual(
      signature.outputs.map((o) => [o.name, o.type]),
      [['probability', 'float32']],
    );
    assert.equal(signature.target, 'Churn');
  });
});
