import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ModelRegistry, type NewModelVersion } from '../../registry/model-registry';
import { REGISTRY_SCHEMA } from '../../registry/schema';
import { migrate, SchemaVersionError, type SchemaPlan } from '../../core/sqlite-migrations';
import { REGISTRY_ADD_REASON_UNNUMBERED, REGISTRY_SCHEMA_UNNUMBERED } from '../fixtures/unnumbered-schemas';
import { placeholderVersion } from '../helpers/model-version';
import { tempHome } from '../helpers/paths';

const LATEST = REGISTRY_SCHEMA.migrations.length;

const entry = (workflowId: string): NewModelVersion => placeholderVersion({ workflowId });

/** A registry file made by hand in a fresh home, as an older mlcycle left it. */
function oldRegistry(build: (db: Database.Database) => void): string {
  const home = tempHome('registry-old');
  mkdirSync(join(home, 'registry'));
  const db = new Database(join(home, 'registry', 'registry.sqlite'));
  build(db);
  db.close();
  return home;
}

function userVersion(home: string): number {
  const db = new Database(join(home, 'registry', 'registry.sqlite'), { readonly: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
}

const VERSION_ROW = `INSERT INTO model_versions VALUES ('churn', 1, '/a.onnx', '${'a'.repeat(64)}', '/e.json', '{}', 0.4,
  'Churn', 'Yes', '/d.csv', '${'d'.repeat(64)}', 10, '{}', '{"auc":0.8}', '0.1.0', NULL, 'wf', 'run', 'T0')`;

describe('registry migrations', () => {
  it('creates every table of a fresh registry and numbers it with the latest step', () => {
    const home = tempHome('registry-fresh');
    const registry = ModelRegistry.open(home);
    registry.register(entry('wf'));
    registry.close();
    assert.equal(userVersion(home), LATEST);
  });

  it('brings a registry from before numbering to the latest step and keeps its versions, pointer, deployments and runs', () => {
    const home = oldRegistry((db) => {
      db.exec(REGISTRY_SCHEMA_UNNUMBERED);
      db.exec(VERSION_ROW);
      db.exec(`INSERT INTO serving VALUES ('churn', 1, 'T1', 'wf', 'run')`);
      db.exec(
        `INSERT INTO deployments (model_name, version, outcome, reason, at) VALUES ('churn', 1, 'serving', 'first', 'T1')`,
      );
      db.exec(`INSERT INTO baselines VALUES ('churn', 1, '/b.json', '${'b'.repeat(64)}')`);
      db.exec(`INSERT INTO monitor_runs (model_name, version, workflow_id, run_id, window_to, rows, drifted, decision, at)
               VALUES ('churn', 1, 'm', 'r', 'T2', 500, 0, 'no-drift', 'T2')`);
    });
    const registry = ModelRegistry.open(home);
    try {
      assert.equal(registry.getServing('churn')?.threshold, 0.4);
      assert.deepEqual(registry.getServing('churn')?.metrics, { auc: 0.8 });
      assert.deepEqual(
        registry.listDeployments('churn').map((d) => [d.version, d.outcome, d.reason]),
        [[1, 'serving', 'first']],
      );
      assert.equal(registry.getBaseline('churn', 1)?.path, '/b.json');
      const [run] = registry.monitorRuns.list('churn');
      assert.equal(run?.decision, 'no-drift');
      assert.equal(run?.reason, null, 'the column the migration added reads as null on old rows');
      assert.equal(registry.register(entry('wf-2')).record.version, 2, 'numbering of versions goes on');
    } finally {
      registry.close();
    }
    assert.equal(userVersion(home), LATEST);
  });

  it('seeds the alias history of a step-4 registry from its deployments, so its past answers "which version served when"', () => {
    const home = oldRegistry((db) => {
      db.exec(REGISTRY_SCHEMA_UNNUMBERED);
      db.exec(VERSION_ROW);
      db.exec(
        VERSION_ROW.replace("('churn', 1,", "('churn', 2,")
          .replace("'/e.json'", `'/r/${'e'.repeat(64)}.expected.json'`)
          .replace("'run', 'T0'", "'run-2', 'T0'"),
      );
      db.exec(`INSERT INTO serving VALUES ('churn', 2, '2026-02-01T00:00:00.000Z', 'wf', 'run-2')`);
      db.exec(`INSERT INTO deployments (model_name, version, outcome, reason, at, workflow_id, run_id) VALUES
               ('churn', 1, 'serving', 'first', '2026-01-01T00:00:00.000Z', 'wf', 'run'),
               ('churn', 2, 'rejected', 'smoke failed', '2026-01-15T00:00:00.000Z', 'wf', 'run-2'),
               ('churn', 2, 'serving', 'second', '2026-02-01T00:00:00.000Z', 'wf', 'run-2')`);
    });
    const registry = ModelRegistry.open(home);
    try {
      assert.deepEqual(
        registry.aliases.history('churn').map((h) => [h.alias, h.fromVersion, h.toVersion, h.reason, h.runId]),
        [
          ['champion', null, 1, 'first', 'run'],
          ['champion', 1, 2, 'second', 'run-2'],
        ],
      );
      assert.equal(registry.aliases.servingAt('churn', '2026-01-20T00:00:00Z')?.toVersion, 1);
      assert.equal(registry.aliases.servingAt('churn', '2026-03-01T00:00:00Z')?.toVersion, 2);
      assert.equal(registry.aliases.rollback('churn', { reason: 'undo' }).toVersion, 1, 'old promotions roll back too');
      assert.equal(registry.getVersion('churn', 1)?.expectedSha256, null, 'a name that is not a digest gives none');
      assert.equal(
        registry.getVersion('churn', 2)?.expectedSha256,
        'e'.repeat(64),
        'content-addressed: the name is the digest',
      );
    } finally {
      registry.close();
    }
  });

  it('recognises a registry from before numbering that already has the reason column, and adds nothing twice', () => {
    const home = oldRegistry((db) => {
      db.exec(REGISTRY_SCHEMA_UNNUMBERED);
      db.exec(REGISTRY_ADD_REASON_UNNUMBERED);
      db.exec(`INSERT INTO monitor_runs (model_name, version, workflow_id, run_id, window_to, rows, drifted, decision, reason, at)
               VALUES ('churn', 1, 'm', 'r', 'T2', 500, 1, 'drift-cooling-down', 'cooling down', 'T2')`);
    });
    const registry = ModelRegistry.open(home);
    assert.equal(registry.monitorRuns.latest('churn')?.reason, 'cooling down');
    registry.close();
    assert.equal(userVersion(home), LATEST);
  });

  it('opens a migrated registry again without running any step', () => {
    const home = tempHome('registry-reopen');
    const first = ModelRegistry.open(home);
    first.register(entry('wf'));
    first.close();
    const db = new Database(join(home, 'registry', 'registry.sqlite'));
    // A step run twice would fail on this table: CREATE TABLE without IF NOT EXISTS.
    assert.deepEqual(migrate(db, REGISTRY_SCHEMA), { from: LATEST, to: LATEST });
    db.close();
    const again = ModelRegistry.open(home);
    assert.equal(again.listVersions('churn').length, 1);
    again.close();
  });

  it('refuses a registry a newer mlcycle migrated, naming both versions, and leaves it as it was', () => {
    const home = tempHome('registry-newer');
    ModelRegistry.open(home).close();
    const db = new Database(join(home, 'registry', 'registry.sqlite'));
    db.pragma(`user_version = ${LATEST + 4}`);
    db.close();
    assert.throws(
      () => ModelRegistry.open(home),
      (error: unknown) =>
        error instanceof SchemaVersionError &&
        error.message.includes(`the model registry (${join(home, 'registry', 'registry.sqlite')})`) &&
        error.message.includes(`schema version ${LATEST + 4}, newer than the ${LATEST} this mlcycle knows`),
    );
    assert.equal(userVersion(home), LATEST + 4);
  });
});

describe('migrate', () => {
  const plan = (up2: string): SchemaPlan => ({
    name: 'a test database',
    migrations: [
      { version: 1, description: 'a table', up: 'CREATE TABLE a (x INTEGER)' },
      { version: 2, description: 'a second', up: up2 },
    ],
    recognise: () => 0,
  });

  it('rolls back a step that fails, with its version, so the database stays at the step before', () => {
    const db = new Database(':memory:');
    assert.throws(() => migrate(db, plan('CREATE TABLE b (y INTEGER); CREATE TABLE b (z INTEGER)')), /already exists/);
    assert.equal(db.pragma('user_version', { simple: true }), 1);
    assert.deepEqual(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all(), ['a']);
    assert.deepEqual(migrate(db, plan('CREATE TABLE b (y INTEGER)')), { from: 1, to: 2 });
    db.close();
  });

  it('refuses a list whose steps are not numbered 1, 2, 3', () => {
    const db = new Database(':memory:');
    const gap: SchemaPlan = { ...plan(''), migrations: [{ version: 2, description: 'x', up: 'SELECT 1' }] };
    assert.throws(() => migrate(db, gap), /migration 1 is numbered 2/);
    db.close();
  });
});
