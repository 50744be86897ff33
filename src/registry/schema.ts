// The registry's tables. Versions are append-only; `serving` holds one row per model (the pointer the
// scoring servers follow) and `deployments` keeps every promotion and rejection for the audit trail.
export const REGISTRY_SCHEMA = `
CREATE TABLE IF NOT EXISTS model_versions (
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
CREATE TABLE IF NOT EXISTS serving (
  model_name  TEXT PRIMARY KEY,
  version     INTEGER NOT NULL,
  since       TEXT    NOT NULL,
  workflow_id TEXT,
  run_id      TEXT,
  FOREIGN KEY (model_name, version) REFERENCES model_versions (model_name, version)
);
CREATE TABLE IF NOT EXISTS deployments (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  model_name  TEXT    NOT NULL,
  version     INTEGER NOT NULL,
  outcome     TEXT    NOT NULL CHECK (outcome IN ('serving', 'rejected')),
  reason      TEXT    NOT NULL,
  at          TEXT    NOT NULL,
  workflow_id TEXT,
  run_id      TEXT
);
CREATE TABLE IF NOT EXISTS baselines (
  model_name  TEXT    NOT NULL,
  version     INTEGER NOT NULL,
  path        TEXT    NOT NULL,
  sha256      TEXT    NOT NULL,
  PRIMARY KEY (model_name, version),
  FOREIGN KEY (model_name, version) REFERENCES model_versions (model_name, version)
);
CREATE TABLE IF NOT EXISTS monitor_runs (
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
CREATE INDEX IF NOT EXISTS monitor_runs_by_model ON monitor_runs (model_name, id);
`;
