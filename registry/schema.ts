import type Database from 'better-sqlite3';
import { columnNames, schemaObjects, type SchemaPlan } from '../core/sqlite-migrations';
import { aliasesAndHistory } from './schema-aliases';

// The registry's tables, as numbered steps: a step, once released, is never edited; a change is a new
// step at the end. Versions are append-only; `serving` holds one row per model (the pointer the
// scoring servers follow) and `deployments` keeps every promotion and rejection for the audit trail.
const VERSIONS_SERVING_DEPLOYMENTS = `
CREATE TABLE model_versions (
  model_name      TEXT    NOT NULL,
  version         INTEGER NOT NULL,
  artifact_path   TEXT    NOT NULL,
  artifact_sha256 TEXT    NOT NULL,
  expected_path   TEXT    NOT NULL,
  spec_json       TEXT    NOT NULL,
  threshold       REAL    NOT NULL,
  target          TEXT    NOT NULL,
  positive_label  TEXT    NOT NULL,
  data_uri        TEXT    NOT NULL,
  data_sha256     TEXT    NOT NULL,
  data_rows       INTEGER NOT NULL,
  params_json     TEXT    NOT NULL,
  metrics_json    TEXT    NOT NULL,
  package_version TEXT    NOT NULL,
  git_commit      TEXT,
  workflow_id     TEXT    NOT NULL,
  run_id          TEXT    NOT NULL,
  created_at      TEXT    NOT NULL,
  PRIMARY KEY (model_name, version),
  UNIQUE (model_name, workflow_id, run_id)
);
CREATE TABLE serving (
  model_name  TEXT PRIMARY KEY,
  version     INTEGER NOT NULL,
  since       TEXT    NOT NULL,
  workflow_id TEXT,
  run_id      TEXT,
  FOREIGN KEY (model_name, version) REFERENCES model_versions (model_name, version)
);
CREATE TABLE deployments (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  model_name  TEXT    NOT NULL,
  version     INTEGER NOT NULL,
  outcome     TEXT    NOT NULL CHECK (outcome IN ('serving', 'rejected')),
  reason      TEXT    NOT NULL,
  at          TEXT    NOT NULL,
  workflow_id TEXT,
  run_id      TEXT
);
`;

const BASELINES_MONITOR_RUNS = `
CREATE TABLE baselines (
  model_name  TEXT    NOT NULL,
  version     INTEGER NOT NULL,
  path        TEXT    NOT NULL,
  sha256      TEXT    NOT NULL,
  PRIMARY KEY (model_name, version),
  FOREIGN KEY (model_name, version) REFERENCES model_versions (model_name, version)
);
CREATE TABLE monitor_runs (
  id                  INTEGER PRIMARY KEY AUTOINCREMENT,
  model_name          TEXT    NOT NULL,
  version             INTEGER NOT NULL,
  workflow_id         TEXT    NOT NULL,
  run_id              TEXT    NOT NULL,
  window_from         TEXT,
  window_to           TEXT    NOT NULL,
  rows                INTEGER NOT NULL,
  drifted             INTEGER NOT NULL,
  decision            TEXT    NOT NULL,
  retrain_workflow_id TEXT,
  report_path         TEXT,
  at                  TEXT    NOT NULL,
  UNIQUE (workflow_id, run_id)
);
CREATE INDEX monitor_runs_by_model ON monitor_runs (model_name, id);
`;

// A model has at most one rollout under way (ended_at null): every scoring server routes by it.
const ROLLOUTS = `
CREATE TABLE rollouts (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  model_name        TEXT    NOT NULL,
  candidate_version INTEGER NOT NULL,
  champion_version  INTEGER,
  strategy          TEXT    NOT NULL CHECK (strategy IN ('canary', 'shadow')),
  share             REAL,
  started_at        TEXT    NOT NULL,
  ended_at          TEXT,
  outcome           TEXT    CHECK (outcome IN ('promoted', 'rolled-back', 'observed', 'superseded')),
  reason            TEXT,
  workflow_id       TEXT,
  run_id            TEXT,
  FOREIGN KEY (model_name, candidate_version) REFERENCES model_versions (model_name, version)
);
CREATE UNIQUE INDEX rollouts_one_active ON rollouts (model_name) WHERE ended_at IS NULL;
`;

export const REGISTRY_SCHEMA: SchemaPlan = {
  name: 'the model registry',
  migrations: [
    { version: 1, description: 'model versions, the serving pointer, deployments', up: VERSIONS_SERVING_DEPLOYMENTS },
    { version: 2, description: 'drift baselines and monitor runs', up: BASELINES_MONITOR_RUNS },
    // Old monitor runs read it as null.
    { version: 3, description: "the monitor run's reason", up: 'ALTER TABLE monitor_runs ADD COLUMN reason TEXT' },
    // Older versions read them as null: they have no model file to warm-start or export from.
    {
      version: 4,
      description: "each version's model file (trained.json) and its sha256",
      up: 'ALTER TABLE model_versions ADD COLUMN model_path TEXT; ALTER TABLE model_versions ADD COLUMN model_sha256 TEXT;',
    },
    { version: 5, description: 'aliases, their append-only history, the expected file digest', up: aliasesAndHistory },
    { version: 6, description: 'canary and shadow rollouts, kept after they end', up: ROLLOUTS },
  ],
  recognise: recogniseUnnumbered,
};

/** Registries written before the steps were numbered grew by CREATE IF NOT EXISTS and one added column. */
function recogniseUnnumbered(db: Database.Database): number {
  const tables = schemaObjects(db, 'table');
  if (!tables.has('model_versions')) return 0;
  if (!tables.has('monitor_runs')) return 1;
  return columnNames(db, 'monitor_runs').has('reason') ? 3 : 2;
}
