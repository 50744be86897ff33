import type Database from 'better-sqlite3';
import { join } from 'node:path';
import { schemaObjects, type SchemaPlan } from '../../core/sqlite-migrations';

/** Where a data home keeps its prediction log. */
export function predictionLogPath(home: string): string {
  return join(home, 'monitoring', 'predictions.sqlite');
}

// The prediction log's tables, as numbered steps (a released step is never edited; a change is a new
// step at the end). Rows live in insertion order (`seq`, the rowid) so reads by time go through a
// narrow index and then straight to the row; features stay one JSON text so a wide model costs one
// column, and the label sits on the row so feedback is a single UPDATE and pruning a prediction prunes
// its feedback with it.
const PREDICTIONS = `
CREATE TABLE predictions (
  seq         INTEGER PRIMARY KEY,
  id          TEXT    NOT NULL UNIQUE,
  model_name  TEXT    NOT NULL,
  version     INTEGER NOT NULL,
  time        INTEGER NOT NULL,
  probability REAL    NOT NULL,
  features    TEXT    NOT NULL,
  label       INTEGER CHECK (label IN (0, 1)),
  labelled_at INTEGER
);
CREATE INDEX predictions_model_time ON predictions (model_name, time);
CREATE INDEX predictions_time ON predictions (time);
CREATE TABLE prediction_versions (
  model_name     TEXT    NOT NULL,
  version        INTEGER NOT NULL,
  positive_label TEXT    NOT NULL,
  PRIMARY KEY (model_name, version)
) WITHOUT ROWID;
`;

// Serves the drift monitor's "labels that arrived since the last run" without growing with unlabelled rows.
const LABELLED_AT_INDEX = `
CREATE INDEX predictions_model_labelled ON predictions (model_name, labelled_at) WHERE labelled_at IS NOT NULL;
`;

export const PREDICTION_LOG_SCHEMA: SchemaPlan = {
  name: 'the prediction log',
  migrations: [
    { version: 1, description: 'predictions and the positive label of each version', up: PREDICTIONS },
    { version: 2, description: 'partial index on labelled_at for late labels', up: LABELLED_AT_INDEX },
  ],
  recognise: recogniseUnnumbered,
};

/** Logs written before the steps were numbered grew by CREATE IF NOT EXISTS on open. */
function recogniseUnnumbered(db: Database.Database): number {
  if (!schemaObjects(db, 'table').has('predictions')) return 0;
  return schemaObjects(db, 'index').has('predictions_model_labelled') ? 2 : 1;
}
