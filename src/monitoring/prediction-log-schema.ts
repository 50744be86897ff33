// The prediction log's tables. Rows live in insertion order (`seq`, the rowid) so reads by time go
// through a narrow index and then straight to the row; features stay one JSON text so a wide model
// costs one column, and the label sits on the row so feedback is a single UPDATE and pruning a
// prediction prunes its feedback with it.
export const PREDICTION_LOG_SCHEMA = `
CREATE TABLE IF NOT EXISTS predictions (
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
CREATE INDEX IF NOT EXISTS predictions_model_time ON predictions (model_name, time);
CREATE INDEX IF NOT EXISTS predictions_time ON predictions (time);
CREATE TABLE IF NOT EXISTS prediction_versions (
  model_name     TEXT    NOT NULL,
  version        INTEGER NOT NULL,
  positive_label TEXT    NOT NULL,
  PRIMARY KEY (model_name, version)
) WITHOUT ROWID;
`;
