// The prediction log's tables. Rows live in insertion order (`seq`, the rowid) so reads by time go
// through a narrow index and then straight to the row; features stay one JSON text so a wide model
// costs one column, and the label sits on the row so feedback is a single UPDATE and pruning a
// prediction prunes its feedback with it. The partial index on labelled_at serves the drift monitor's
// "labels that arrived since the last run" without growing with unlabelled rows; IF NOT EXISTS adds it
// to a log written before it existed on the first open.
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
CREATE INDEX IF NOT EXISTS predictions_model_labelled ON predictions (model_name, labelled_at) WHERE labelled_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS prediction_versions (
  model_name     TEXT    NOT NULL,
  version        INTEGER NOT NULL,
  positive_label TEXT    NOT NULL,
  PRIMARY KEY (model_name, version)
) WITHOUT ROWID;
`;
