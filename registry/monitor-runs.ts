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

/** The values `record` inserts, in column order. */
type RowValues = [
  modelName: string,
  version: number,
  workflowId: string,
  runId: string,
  windowFrom: string | null,
  windowTo: string,
  rows: number,
  drifted: 0 | 1,
  decision: MonitorDecision,
  retrainWorkflowId: string | null,
  reportPath: string | null,
  reason: string | null,
  at: string,
];

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
  private readonly insert: Database.Statement<[...RowValues]>;
  private readonly latestRow: Database.Statement<[string], Row>;
  private readonly latestRetrainRow: Database.Statement<[string], Row>;
  private readonly listRows: Database.Statement<[string, number], Row>;
  private readonly furthestWindowToRow: Database.Statement<[string], { window_to: string }>;

  constructor(db: Database.Database) {
    this.insert = db.prepare(
      `INSERT OR IGNORE INTO monitor_runs (model_name, version, workflow_id, run_id, window_from, window_to, rows,
         drifted, decision, retrain_workflow_id, report_path, reason, at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.latestRow = db.prepare('SELECT * FROM monitor_runs WHERE model_name = ? ORDER BY id DESC LIMIT 1');
    this.latestRetrainRow = db.prepare(
      `SELECT m.* FROM monitor_runs m WHERE m.model_name = ? AND m.retrain_workflow_id IS NOT NULL
         AND EXISTS (SELECT 1 FROM model_versions v
                     WHERE v.model_name = m.model_name AND v.workflow_id = m.retrain_workflow_id)
       ORDER BY m.id DESC LIMIT 1`,
    );
    this.listRows = db.prepare('SELECT * FROM monitor_runs WHERE model_name = ? ORDER BY id DESC LIMIT ?');
    this.furthestWindowToRow = db.prepare(
      `SELECT window_to FROM monitor_runs WHERE model_name = ?
       ORDER BY julianday(window_to) DESC, id DESC LIMIT 1`,
    );
  }

  /** Idempotent per workflow run, so an activity retry does not log a run twice. */
  record(run: MonitorRunRecord): void {
    this.insert.run(
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
    const row = this.latestRow.get(modelName);
    return row && toRecord(row);
  }

  /**
   * The latest end of any window checked so far, where the next default window starts. The latest by
   * time, not the latest run: a run over an earlier span (`from`/`to` given by hand) must not send the
   * schedule back over predictions and labels it already counted.
   */
  furthestWindowTo(modelName: string): string | null {
    return this.furthestWindowToRow.get(modelName)?.window_to ?? null;
  }

  /**
   * The latest run whose retrain registered a version: the cooldown counts from it. A retrain that
   * failed before registering (bad data, a lost worker) registered nothing, so it never blocks the next.
   */
  latestRetrain(modelName: string): MonitorRunRecord | undefined {
    const row = this.latestRetrainRow.get(modelName);
    return row && toRecord(row);
  }

  list(modelName: string, limit = 50): MonitorRunRecord[] {
    return this.listRows.all(modelName, limit).map(toRecord);
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
