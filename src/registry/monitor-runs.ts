import type Database from 'better-sqlite3';

export type MonitorDecision =
  'no-data' | 'no-drift' | 'drift-retrain-disabled' | 'drift-cooling-down' | 'retrain-started';

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
  at: string;
}

/** Every drift-monitor run's decision: where the next window starts, and when retraining last began. */
export class MonitorRuns {
  constructor(private readonly db: Database.Database) {}

  /** Idempotent per workflow run, so an activity retry does not log a run twice. */
  record(run: MonitorRunRecord): void {
    this.db
      .prepare(
        `INSERT OR IGNORE INTO monitor_runs (model_name, version, workflow_id, run_id, window_from, window_to, rows,
           drifted, decision, retrain_workflow_id, report_path, at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
        run.at,
      );
  }

  latest(modelName: string): MonitorRunRecord | undefined {
    const row = this.db
      .prepare<[string], Row>('SELECT * FROM monitor_runs WHERE model_name = ? ORDER BY id DESC LIMIT 1')
      .get(modelName);
    return row && toRecord(row);
  }

  latestRetrain(modelName: string): MonitorRunRecord | undefined {
    const row = this.db
      .prepare<[string], Row>(
        `SELECT * FROM monitor_runs WHERE model_name = ? AND decision = 'retrain-started' ORDER BY id DESC LIMIT 1`,
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
    at: row.at,
  };
}
