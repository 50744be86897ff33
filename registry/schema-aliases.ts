import type Database from 'better-sqlite3';
import { basename } from 'node:path';

// Step 5 of the registry. `serving` stays the storage of the `champion` alias (every scoring server
// and activity reads it), `aliases` holds every other name, and `alias_history` records every change
// of either. History rows are only ever inserted: the triggers make an UPDATE or DELETE fail, so
// "which version served at time X" cannot be rewritten afterwards, by mlcycle or by hand.
const TABLES = `
CREATE TABLE aliases (
  model_name TEXT    NOT NULL,
  alias      TEXT    NOT NULL,
  version    INTEGER NOT NULL,
  since      TEXT    NOT NULL,
  PRIMARY KEY (model_name, alias),
  FOREIGN KEY (model_name, version) REFERENCES model_versions (model_name, version)
);
CREATE TABLE alias_history (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  model_name   TEXT    NOT NULL,
  alias        TEXT    NOT NULL,
  action       TEXT    NOT NULL CHECK (action IN ('set', 'remove', 'rollback')),
  from_version INTEGER,
  to_version   INTEGER,
  reason       TEXT    NOT NULL,
  at           TEXT    NOT NULL,
  workflow_id  TEXT,
  run_id       TEXT,
  command      TEXT,
  user_name    TEXT
);
CREATE INDEX alias_history_by_model ON alias_history (model_name, alias, id);
CREATE TRIGGER alias_history_no_update BEFORE UPDATE ON alias_history
BEGIN SELECT RAISE(ABORT, 'alias_history is append-only: its rows are never changed'); END;
CREATE TRIGGER alias_history_no_delete BEFORE DELETE ON alias_history
BEGIN SELECT RAISE(ABORT, 'alias_history is append-only: its rows are never deleted'); END;
ALTER TABLE model_versions ADD COLUMN expected_sha256 TEXT;
`;

/**
 * Every promotion the deployments table kept becomes a champion change, each from the version the
 * one before it promoted, so an older registry answers "which version served when" for its past too.
 */
const SEED_HISTORY = `
INSERT INTO alias_history (model_name, alias, action, from_version, to_version, reason, at, workflow_id, run_id)
SELECT model_name, 'champion', 'set',
       LAG(version) OVER (PARTITION BY model_name ORDER BY id), version, reason, at, workflow_id, run_id
FROM deployments WHERE outcome = 'serving' ORDER BY id;
INSERT INTO alias_history (model_name, alias, action, from_version, to_version, reason, at, workflow_id, run_id)
SELECT s.model_name, 'champion', 'set', NULL, s.version, 'serving before aliases were recorded', s.since,
       s.workflow_id, s.run_id
FROM serving s WHERE NOT EXISTS (SELECT 1 FROM alias_history h WHERE h.model_name = s.model_name);
`;

const CONTENT_ADDRESSED = /^([0-9a-f]{64})\./;

export function aliasesAndHistory(db: Database.Database): void {
  db.exec(TABLES);
  db.exec(SEED_HISTORY);
  // expected.json was always stored content-addressed (its name is its sha256), so older versions get
  // the digest their file was written with, and from now on its load is checked like the others.
  const rows = db.prepare<[], { model_name: string; version: number; expected_path: string }>(
    'SELECT model_name, version, expected_path FROM model_versions',
  );
  const update = db.prepare<[string, string, number]>(
    'UPDATE model_versions SET expected_sha256 = ? WHERE model_name = ? AND version = ?',
  );
  for (const row of rows.all()) {
    const digest = CONTENT_ADDRESSED.exec(basename(row.expected_path))?.[1];
    if (digest) update.run(digest, row.model_name, row.version);
  }
}
