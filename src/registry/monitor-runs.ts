import type Database from 'better-sqlite3';
import type { MonitorDecision } from '../contracts/monitor';

export interface MonitorRunRecord {
  modelName: string;
  version: number;
  workflowId: string;
  runId: string;
  windowFrom: string | null;
  windowTo: string;
  rows: number;
  drifted: boolean;
  decision: MonitorDecision;
  retrainWorkflowId: string | null;
  reportPath: string | null;
  /** Why the run decided as it did; null on rows written before the reason was stored. */
  reason: string | null;
  at: string;
}

interface Row {
  model_name: string;
  version: number;
  workflow_id: string;
  run_id: string;
  window_from: string | null;
  window_to: string;
  rows: number;
  drifted: number;
  decision: MonitorDecision;
  retrain_workflow_id: string | null;
  report_path: string | null;
  reason: string | null;
  at: string;
}

/** Every drift-monitor run's decision: where the next window starts, and when retraining last began. */
export class MonitorRuns {
  constructor(private readonly db: Database.Database) {
    addMissingColumns(db);
  }

  /** Idempotent per workflow run, so an activity retry does not log a run twice. */
  record(run: MonitorRunRecord): void {
    this.db
      .prepare(
        `INSERT OR IGNORE INTO monitor_runs (model_name, version, workflow_id, run_id, window_from, window_to, rows,
           drifted, decision, retrain_workflow_id, report_path, reason, at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        run.modelName,
        run.version,
        run.workflowId,
        run.runId,
        run.windowFrom,
        run.windowTo,
        run.rows,
        run.drifted ? 1 : 0,
        run.decision,
        run.retrainWorkflowId,
        run.reportPath,
        run.reason,
        run.at,
      );
  }

  latest(modelName: string): MonitorRunRecord | undefined {
    const row = this.db
      .prepare<[string], Row>('SELECT * FROM monitor_runs WHERE model_name = ? ORDER BY id DESC LIMIT 1')
      .get(modelName);
    return row && toRecord(row);
  }

  /**
   * The latest run whose retrain registered a version: the cooldown counts from it. A retrain that
   * failed before registering (bad data, a lost worker) registered nothing, so it never blocks the next.
   */
  latestRetrain(modelName: string): MonitorRunRecord | undefined {
    const row = this.db
      .prepare<[string], Row>(
        `SELECT m.* FROM monitor_runs m WHERE m.model_name = ? AND m.retrain_workflow_id IS NOT NULL
           AND EXISTS (SELECT 1 FROM model_versions v
                       WHERE v.model_name = m.model_name AND v.workflow_id = m.retrain_workflow_id)
         ORDER BY m.id DESC LIMIT 1`,
      )
      .get(modelName);
    return row && toRecord(row);
  }

  list(modelName: string, limit = 50): MonitorRunRecord[] {
    return this.db
      .prepare<[string, number], Row>('SELECT * FROM monitor_runs WHERE model_name = ? ORDER BY id DESC LIMIT ?')
      .all(modelName, limit)
      .map(toRecord);
  }
}

function toRecord(row: Row): MonitorRunRecord {
  return {
    modelName: row.model_name,
    version: row.version,
    workflowId: row.workflow_id,
    runId: row.run_id,
    windowFrom: row.window_from,
    windowTo: row.window_to,
    rows: row.rows,
    drifted: row.drifted === 1,
    decision: row.decision,
    retrainWorkflowId: row.retrain_workflow_id,
    reportPath: row.report_path,
    reason: row.reason ?? null,
    at: row.at,
  };
}

// Columns added after the first release: registries written before them get them on open, and their
// old rows read them as null.
const ADDED_COLUMNS = [{ name: 'reason', definition: 'reason TEXT' }];

function addMissingColumns(db: Database.Database): void {
  const columnNames = () =>
    new Set(
      db
        .prepare<[], { name: string }>("SELECT name FROM pragma_table_info('monitor_runs')")
        .all()
        .map((column) => column.name),
    );
  const initial = columnNames();
  if (ADDED_COLUMNS.every((column) => initial.has(column.name))) return;
  // Under the write lock, looking again: a worker and a scoring server may open the registry at once.
  db.transaction(() => {
    const present = columnNames();
    for (const column of ADDED_COLUMNS) {
      if (!present.has(column.name)) db.exec(`ALTER TABLE monitor_runs ADD COLUMN ${column.definition}`);
    }
  }).immediate();
}
